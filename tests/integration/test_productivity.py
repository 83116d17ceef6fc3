"""Productivity on the scaled topology: percentiles computed by PostgreSQL, the batch task on a real
Celery worker pushing a dashboard update over channels-redis, and the ingest rate counted in Redis."""

from datetime import UTC, datetime

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.utils import timezone

from metrics.productivity.models import AgentExecution, ProductivityAlert, ProductivityMetric
from metrics.productivity.services.alerts import alert_rule_create
from organizations.models import Role
from organizations.services import api_key_create
from tests.conftest import client_for
from tests.factories import MembershipFactory
from tests.realtime.ws import access_token, connect_authenticated

pytestmark = [pytest.mark.integration]


@pytest.mark.django_db
def test_postgresql_computes_the_percentiles(client_a, org_a):
    assert connection.vendor == "postgresql"
    ProductivityMetric.objects.bulk_create(
        ProductivityMetric(
            organization=org_a,
            metric_type="cycle",
            value=v,
            timestamp=datetime(2026, 11, 2, 9, v, tzinfo=UTC),
        )
        for v in range(1, 11)
    )
    AgentExecution.objects.bulk_create(
        AgentExecution(
            organization=org_a,
            agent_name="coder",
            success=True,
            execution_time_ms=ms,
            timestamp=datetime(2026, 11, 2, tzinfo=UTC),
        )
        for ms in (100, 200, 300, 400)
    )

    row = client_a.get("/api/v1/metrics/productivity", {"aggregation": "day"}).json()["data"][0]
    agents = client_a.get("/api/v1/metrics/agents").json()["data"]["agents"][0]

    # percentile_cont: rank p x (n - 1); p50 of 1..10 = 5 + 0.5 x (6 - 5), p95 = 9 + 0.55 x (10 - 9)
    assert (row["count"], row["sum"], row["p50"]) == (10, 55.0, 5.5)
    assert row["p95"] == pytest.approx(9.55)
    assert (agents["p50_ms"], agents["p95_ms"]) == (pytest.approx(250.0), pytest.approx(385.0))


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_worker_evaluates_the_batch_and_the_dashboard_update_crosses_channels_redis(admin_a):
    editor_a = await sync_to_async(MembershipFactory)(organization=admin_a.organization, role=Role.EDITOR)
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    editor = await sync_to_async(client_for)(editor_a)
    widget = {
        "id": "w1",
        "type": "number",
        "query": {"metric_type": "rollbacks"},
        "position": {"x": 0, "y": 0},
    }
    dashboard = (
        await sync_to_async(editor.post)(
            "/api/v1/dashboards", {"name": "Ops", "layout": [widget]}, format="json"
        )
    ).json()["data"]
    await sync_to_async(alert_rule_create)(
        organization=admin_a.organization,
        created_by=None,
        name="Rollback spike",
        metric_type="rollbacks",
        condition="threshold",
        threshold=5.0,
        severity="critical",
    )
    socket = await connect_authenticated("/ws", await sync_to_async(access_token)(editor_a))
    await socket.send_json_to({"type": "subscribe", "rooms": [f"dashboard:{dashboard['id']}", "alerts"]})
    assert len((await socket.receive_json_from(timeout=10))["rooms"]) == 2

    admin = await sync_to_async(client_for)(admin_a)
    now = timezone.now().isoformat()
    body = [
        {"timestamp": now, "metric_type": "rollbacks", "value": 4},
        {"timestamp": now, "metric_type": "rollbacks", "value": 3},
    ]
    response = await sync_to_async(admin.post)("/api/v1/metrics/productivity", body, format="json")
    assert response.status_code == 201

    seen: dict[str, dict] = {}
    while not {"dashboard_update", "alert_triggered"} <= set(seen):
        message = await socket.receive_json_from(timeout=30)  # the Celery worker runs the batch task
        seen[message["type"]] = message
    assert seen["dashboard_update"]["data"]["data"]["total"] == 7.0
    assert seen["alert_triggered"]["data"]["metric_value"] == 7.0
    count = await sync_to_async(
        lambda: ProductivityAlert.objects.for_organization(admin_a.organization).count()
    )()
    assert count == 1
    await socket.disconnect()


@pytest.mark.django_db
def test_the_mcp_ingest_rate_is_counted_per_organization_in_redis(org_a, api_client, settings):
    settings.RATE_LIMIT_RESOLVER = ""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "ingest": "3/m", "burst": "100/s"}
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    keys = [
        api_key_create(organization=org_a, name=f"mcp {n}", scopes=["mcp"], actor=None)[1] for n in range(2)
    ]
    body = {
        "session_id": "s",
        "user_identifier": "dev",
        "agent_name": "coder",
        "execution_time_ms": 5,
        "success": True,
        "timestamp": "2026-11-02T10:00:00Z",
    }

    codes = [
        api_client.post(
            "/api/v1/mcp/metrics/collect", body, format="json", HTTP_X_API_KEY=keys[n % 2]
        ).status_code
        for n in range(4)
    ]

    assert codes == [201, 201, 201, 429]
    assert AgentExecution.objects.for_organization(org_a).count() == 3
