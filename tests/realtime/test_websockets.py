"""/ws and /ws/threats through the real ASGI application (origin check, JWT middleware, routing)."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

import realtime
from organizations.models import Membership, Role, Team
from realtime.consumers import (
    CLOSE_AUTH_TIMEOUT,
    CLOSE_FORBIDDEN,
    CLOSE_TOO_MANY_CONNECTIONS,
    CLOSE_UNAUTHORIZED,
)
from realtime.models import Event
from tests.factories import MembershipFactory
from tests.realtime.ws import access_token, closed_with, communicator, connect_authenticated

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

THREAT = {"threat_id": "THR-2026-0001", "severity": "high", "confidence": 0.92}

publish = database_sync_to_async(realtime.publish)
token = database_sync_to_async(access_token)


async def nothing_arrives(client, timeout: float = 0.2) -> bool:
    return await client.receive_nothing(timeout=timeout)


class TestAuthentication:
    async def test_auth_by_first_message_then_events_arrive_in_the_seed_format(self, admin_a):
        client = await connect_authenticated("/ws/threats", await token(admin_a))

        event = await publish(admin_a.organization, "threat_detected", THREAT)

        message = await client.receive_json_from(timeout=2)
        assert message["type"] == "threat_detected"
        assert message["data"] == THREAT
        assert message["event_id"] == str(event.id)
        assert message["room"] is None
        await client.disconnect()

    async def test_auth_by_query_string(self, admin_a):
        client = communicator(f"/ws?token={await token(admin_a)}")
        connected, _ = await client.connect()
        assert connected

        hello = await client.receive_json_from(timeout=2)

        assert hello == {
            "type": "authenticated",
            "user_id": str(admin_a.user_id),
            "organization_id": str(admin_a.organization_id),
        }
        await client.disconnect()

    async def test_bad_token_in_the_query_string_is_closed_at_once(self, admin_a):
        client = communicator("/ws/threats?token=not-a-jwt")
        await client.connect()

        messages, code = await closed_with(client)

        assert code == CLOSE_UNAUTHORIZED
        assert messages == [
            {"type": "error", "code": "UNAUTHORIZED", "message": "The token is invalid or expired."}
        ]

    async def test_bad_token_in_the_auth_message_is_closed(self, admin_a):
        client = communicator("/ws/threats")
        await client.connect()
        await client.send_json_to({"type": "auth", "token": (await token(admin_a))[:-4] + "AAAA"})

        _, code = await closed_with(client)

        assert code == CLOSE_UNAUTHORIZED

    async def test_a_first_message_other_than_auth_is_refused(self, admin_a):
        client = communicator("/ws")
        await client.connect()
        await client.send_json_to({"type": "subscribe", "rooms": ["alerts"]})

        messages, code = await closed_with(client)

        assert code == CLOSE_UNAUTHORIZED
        assert messages[0]["code"] == "UNAUTHORIZED"

    async def test_unauthenticated_socket_is_closed_after_the_timeout(self, fast_ws):
        client = communicator("/ws/threats")
        await client.connect()

        assert await client.receive_nothing(timeout=0.1)  # still open before the timeout
        _, code = await closed_with(client, timeout=2)

        assert code == CLOSE_AUTH_TIMEOUT

    async def test_authenticated_socket_is_not_closed_by_the_timeout(self, fast_ws, admin_a):
        client = await connect_authenticated("/ws", await token(admin_a))

        await asyncio.sleep(0.5)
        await client.send_json_to({"type": "ping", "id": 7})

        assert await client.receive_json_from(timeout=2) == {"type": "pong", "id": 7}
        await client.disconnect()

    async def test_a_deactivated_member_is_refused(self, admin_a):
        await database_sync_to_async(
            Membership.objects.for_organization(admin_a.organization).filter(pk=admin_a.pk).update
        )(is_active=False)
        client = communicator("/ws")
        await client.connect()
        await client.send_json_to({"type": "auth", "token": await token(admin_a)})

        _, code = await closed_with(client)

        assert code == CLOSE_FORBIDDEN


class TestConnectionLimit:
    async def test_the_sixth_connection_of_a_user_is_refused_and_a_freed_slot_is_reusable(self, admin_a):
        raw = await token(admin_a)
        clients = [await connect_authenticated("/ws", raw, by="query") for _ in range(5)]

        sixth = communicator(f"/ws/threats?token={raw}")
        await sixth.connect()
        messages, code = await closed_with(sixth)
        assert code == CLOSE_TOO_MANY_CONNECTIONS
        assert messages[0]["code"] == "RATE_LIMITED"

        await clients.pop().disconnect()
        replacement = await connect_authenticated("/ws/threats", raw)
        for client in [*clients, replacement]:
            await client.disconnect()

    async def test_the_limit_is_per_user(self, admin_a, viewer_a):
        clients = [await connect_authenticated("/ws", await token(admin_a), by="query") for _ in range(5)]

        other_user = await connect_authenticated("/ws", await token(viewer_a), by="query")

        for client in [*clients, other_user]:
            await client.disconnect()


class TestRooms:
    async def test_subscribe_grants_own_rooms_and_refuses_the_rest(self, admin_a, team_a, team_b):
        client = await connect_authenticated("/ws", await token(admin_a))

        await client.send_json_to(
            {
                "type": "subscribe",
                "rooms": [f"team:{team_a.id}", "alerts", f"team:{team_b.id}", "dashboard:abc", "team:../x"],
            }
        )
        reply = await client.receive_json_from(timeout=2)

        assert reply["type"] == "subscribed"
        assert reply["rooms"] == [f"team:{team_a.id}", "alerts"]
        assert [r["room"] for r in reply["refused"]] == [f"team:{team_b.id}", "dashboard:abc", "team:../x"]
        await client.disconnect()

    async def test_room_events_reach_only_the_rooms_subscribers(self, admin_a, viewer_a, team_a):
        subscriber = await connect_authenticated("/ws", await token(admin_a))
        bystander = await connect_authenticated("/ws", await token(viewer_a))
        await subscriber.send_json_to({"type": "subscribe", "rooms": [f"team:{team_a.id}"]})
        await subscriber.receive_json_from(timeout=2)

        payload = {"metric_type": "commits", "team_id": str(team_a.id), "count": 3}
        await publish(admin_a.organization, "metric_ingested", payload, rooms=[f"team:{team_a.id}"])

        message = await subscriber.receive_json_from(timeout=2)
        assert message["type"] == "metric_ingested"
        assert message["room"] == f"team:{team_a.id}"
        assert await nothing_arrives(bystander)
        await subscriber.disconnect()
        await bystander.disconnect()

    async def test_an_event_for_two_joined_rooms_arrives_once(self, admin_a, team_a):
        client = await connect_authenticated("/ws", await token(admin_a))
        await client.send_json_to({"type": "subscribe", "rooms": [f"team:{team_a.id}", "alerts"]})
        await client.receive_json_from(timeout=2)

        alert = {"alert_id": str(team_a.id), "rule_name": "PR spike", "severity": "low"}
        await publish(admin_a.organization, "alert_triggered", alert, rooms=["alerts", f"team:{team_a.id}"])

        assert (await client.receive_json_from(timeout=2))["type"] == "alert_triggered"
        assert await nothing_arrives(client)
        await client.disconnect()

    async def test_unsubscribe_stops_room_events(self, admin_a):
        client = await connect_authenticated("/ws", await token(admin_a))
        await client.send_json_to({"type": "subscribe", "rooms": ["alerts"]})
        await client.receive_json_from(timeout=2)

        await client.send_json_to({"type": "unsubscribe", "rooms": ["alerts", "never-joined"]})
        assert await client.receive_json_from(timeout=2) == {"type": "unsubscribed", "rooms": ["alerts"]}
        alert = {"alert_id": "6f1c3a52-8a39-4c1e-9b56-1a4f6a0b8e11", "rule_name": "x", "severity": "low"}
        await publish(admin_a.organization, "alert_triggered", alert, rooms=["alerts"])

        assert await nothing_arrives(client)
        await client.disconnect()

    async def test_malformed_messages_get_an_error_and_keep_the_socket(self, admin_a):
        client = await connect_authenticated("/ws", await token(admin_a))

        await client.send_to(text_data="{not json")
        assert (await client.receive_json_from(timeout=2))["code"] == "VALIDATION_ERROR"
        await client.send_json_to({"type": "subscribe", "rooms": "alerts"})
        assert (await client.receive_json_from(timeout=2))["code"] == "VALIDATION_ERROR"
        await client.send_json_to({"type": "dance"})
        assert (await client.receive_json_from(timeout=2))["code"] == "VALIDATION_ERROR"

        await client.send_json_to({"type": "ping"})
        assert (await client.receive_json_from(timeout=2))["type"] == "pong"
        await client.disconnect()

    async def test_room_count_per_connection_is_capped(self, settings, admin_a):
        settings.WS_MAX_ROOMS_PER_CONNECTION = 1
        create_team = database_sync_to_async(Team.objects.create)
        teams = [await create_team(organization=admin_a.organization, name=f"Team {n}") for n in range(2)]
        client = await connect_authenticated("/ws", await token(admin_a))

        await client.send_json_to({"type": "subscribe", "rooms": [f"team:{t.id}" for t in teams]})
        reply = await client.receive_json_from(timeout=2)

        assert reply["rooms"] == [f"team:{teams[0].id}"]
        assert reply["refused"][0]["reason"] == "Too many rooms on this connection."
        await client.disconnect()


class TestIsolation:
    async def test_a_client_of_org_b_never_receives_org_a_events(self, admin_a, admin_b):
        client_a = await connect_authenticated("/ws/threats", await token(admin_a))
        client_b = await connect_authenticated("/ws/threats", await token(admin_b))
        await client_b.send_json_to({"type": "subscribe", "rooms": ["alerts"]})
        await client_b.receive_json_from(timeout=2)

        await publish(admin_a.organization, "threat_detected", THREAT)
        alert = {"alert_id": "6f1c3a52-8a39-4c1e-9b56-1a4f6a0b8e11", "rule_name": "x", "severity": "low"}
        await publish(admin_a.organization, "alert_triggered", alert, rooms=["alerts"])

        assert (await client_a.receive_json_from(timeout=2))["type"] == "threat_detected"
        assert await nothing_arrives(client_b, timeout=0.3)
        await client_a.disconnect()
        await client_b.disconnect()

    async def test_a_member_of_both_organizations_gets_the_tokens_organization_only(self, admin_a, org_b):
        second = await database_sync_to_async(MembershipFactory)(
            organization=org_b, user=admin_a.user, role=Role.VIEWER
        )
        client = await connect_authenticated("/ws/threats", await token(second))

        await publish(admin_a.organization, "threat_detected", THREAT)
        assert await nothing_arrives(client)
        await publish(org_b, "threat_detected", {**THREAT, "threat_id": "THR-B"})
        assert (await client.receive_json_from(timeout=2))["data"]["threat_id"] == "THR-B"
        await client.disconnect()


class TestTransactions:
    async def test_an_event_published_in_a_rolled_back_transaction_never_arrives(self, admin_a):
        client = await connect_authenticated("/ws/threats", await token(admin_a))

        def publish_then_fail():
            with transaction.atomic():
                realtime.publish(admin_a.organization, "threat_detected", THREAT)
                raise RuntimeError("the domain change failed")

        with pytest.raises(RuntimeError):
            await database_sync_to_async(publish_then_fail)()

        assert await nothing_arrives(client, timeout=0.3)
        assert await database_sync_to_async(Event.objects.for_organization(admin_a.organization).count)() == 0
        await client.disconnect()

    async def test_an_event_is_sent_only_when_the_transaction_commits(self, admin_a):
        client = await connect_authenticated("/ws/threats", await token(admin_a))
        gate = asyncio.Event()
        loop = asyncio.get_running_loop()

        def publish_and_hold():
            with transaction.atomic():
                realtime.publish(admin_a.organization, "threat_detected", THREAT)
                loop.call_soon_threadsafe(gate.set)
                import time

                time.sleep(0.3)

        task = asyncio.ensure_future(database_sync_to_async(publish_and_hold)())
        await gate.wait()
        assert await nothing_arrives(client, timeout=0.1)  # published, not yet committed
        await task
        assert (await client.receive_json_from(timeout=2))["type"] == "threat_detected"
        await client.disconnect()


@pytest.mark.parametrize("path", ["/ws", "/ws/threats", "/ws/"])
async def test_both_seed_paths_are_served(admin_a, path):
    client = await connect_authenticated(path, await token(admin_a))
    await client.disconnect()


async def test_viewer_role_may_listen(viewer_a):
    client = await connect_authenticated("/ws/threats", await token(viewer_a))
    await publish(viewer_a.organization, "threat_mitigated", {"threat_id": "THR-1"})
    assert (await client.receive_json_from(timeout=2))["type"] == "threat_mitigated"
    await client.disconnect()
