"""Realtime on the scaled topology: WebSockets over channels-redis, connection slots in the Redis cache."""

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

import realtime
from organizations.models import Team
from realtime.consumers import CLOSE_TOO_MANY_CONNECTIONS
from tests.realtime.ws import access_token, closed_with, communicator, connect_authenticated

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

THREAT = {"threat_id": "THR-2026-0042", "severity": "high", "confidence": 0.9}
token = database_sync_to_async(access_token)


def publish_in_rolled_back_transaction(organization):
    with transaction.atomic():
        realtime.publish(organization, "threat_detected", {**THREAT, "threat_id": "THR-ROLLED-BACK"})
        raise RuntimeError("the domain change failed")


async def test_events_cross_channels_redis_to_their_organization_only(admin_a, admin_b):
    team_a = await database_sync_to_async(Team.objects.create)(organization=admin_a.organization, name="Blue")
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    feed_a = await connect_authenticated("/ws/threats", await token(admin_a))
    rooms_a = await connect_authenticated("/ws", await token(admin_a))
    feed_b = await connect_authenticated("/ws/threats", await token(admin_b))
    await rooms_a.send_json_to({"type": "subscribe", "rooms": [f"team:{team_a.id}", "alerts"]})
    assert (await rooms_a.receive_json_from(timeout=5))["rooms"] == [f"team:{team_a.id}", "alerts"]
    with pytest.raises(RuntimeError):
        await database_sync_to_async(publish_in_rolled_back_transaction)(admin_a.organization)

    await database_sync_to_async(realtime.publish)(admin_a.organization, "threat_detected", THREAT)
    await database_sync_to_async(realtime.publish)(
        admin_a.organization,
        "metric_ingested",
        {"metric_type": "deploys", "team_id": str(team_a.id), "count": 1},
        rooms=[f"team:{team_a.id}"],
    )

    received = await feed_a.receive_json_from(timeout=5)
    assert (received["type"], received["data"]["threat_id"]) == ("threat_detected", THREAT["threat_id"])
    assert (await rooms_a.receive_json_from(timeout=5))["type"] == "threat_detected"
    room_event = await rooms_a.receive_json_from(timeout=5)
    assert (room_event["type"], room_event["room"]) == ("metric_ingested", f"team:{team_a.id}")
    assert await feed_a.receive_nothing(timeout=0.5)  # the room event is not in the organization feed
    assert await feed_b.receive_nothing(timeout=0.5)  # nothing of org A, and nothing rolled back
    print(f"channels-redis delivered {received['type']} {received['event_id']} to org A's socket only")
    for client in (feed_a, rooms_a, feed_b):
        await client.disconnect()


async def test_connection_slots_live_in_redis_and_the_sixth_socket_is_refused(admin_a):
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    raw = await token(admin_a)
    clients = [await connect_authenticated("/ws", raw, by="query") for _ in range(5)]
    slots = [f"realtime:ws-slot:{admin_a.user_id}:{n}" for n in range(settings.WS_MAX_CONNECTIONS_PER_USER)]
    assert len(await cache.aget_many(slots)) == 5

    sixth = communicator(f"/ws?token={raw}")
    await sixth.connect()
    _, code = await closed_with(sixth, timeout=5)
    assert code == CLOSE_TOO_MANY_CONNECTIONS

    for client in clients:
        await client.disconnect()
    assert await cache.aget_many(slots) == {}
