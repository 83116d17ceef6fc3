"""The cluster view against a real Redis and a real Celery worker (started by .ci/run or by hand)."""

import pytest
from django.conf import settings

from config.celery import app as celery_app

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _data(response, code=200):
    assert response.status_code == code, response.content
    return response.json()["data"]


@pytest.fixture(autouse=True)
def _worker_answers():
    assert celery_app.control.ping(timeout=5), "no Celery worker answered the ping"


def test_status_lists_the_worker_and_queue_lengths(client_a):
    status = _data(client_a.get("/api/v1/distributed/status"))
    assert status["mode"] == "workers"
    assert status["broker"]["reachable"]
    assert status["redis"]["reachable"]
    assert status["workers"], status
    assert "default" in {q["name"] for q in status["queues"]}
    health = _data(client_a.get("/api/v1/distributed/health"))
    assert health["status"] == "healthy"
    assert health["workers"] >= 1


def test_nodes_show_pools_and_broadcast_pings_them(client_a):
    nodes = _data(client_a.get("/api/v1/distributed/nodes"))
    assert nodes["available"]
    assert nodes["nodes"]
    node = nodes["nodes"][0]
    assert node["pool"]["implementation"]
    assert node["pid"]
    ping = _data(client_a.post("/api/v1/distributed/broadcast", {"command": "ping"}, format="json"))
    assert ping["available"]
    assert {next(iter(r)) for r in ping["replies"]} >= {node["name"]}


def test_execute_tool_runs_on_the_worker(client_a):
    import os

    result = _data(
        client_a.post(
            "/api/v1/distributed/execute-tool", {"tool": "diagnostics", "wait_seconds": 10}, format="json"
        )
    )
    assert result["mode"] == "workers", result
    assert result["completed"], result
    assert result["result"]["pid"] != os.getpid()  # it ran in the worker process, not here


def test_redis_metrics_and_namespaced_cache(client_a, client_b):
    metrics = _data(client_a.get("/api/v1/distributed/redis/metrics"))
    assert metrics["available"]
    assert metrics["info"]["redis_version"]
    _data(
        client_a.post(
            "/api/v1/distributed/cache/set", {"key": "k1", "value": [1, 2], "ttl": 120}, format="json"
        )
    )
    entry = _data(client_a.get("/api/v1/distributed/cache/k1"))
    assert entry["value"] == [1, 2]
    assert 0 < entry["ttl"] <= 120
    assert client_b.get("/api/v1/distributed/cache/k1").status_code == 404


def test_leader_election_uses_a_redis_lease(client_a):
    first = _data(
        client_a.post(
            "/api/v1/distributed/coordination/election",
            {"name": "it-lock", "candidate": "a", "lease_seconds": 30},
            format="json",
        )
    )
    second = _data(
        client_a.post(
            "/api/v1/distributed/coordination/election",
            {"name": "it-lock", "candidate": "b", "lease_seconds": 30},
            format="json",
        )
    )
    assert first["elected"]
    assert first["backend"] == "redis"
    assert 0 < first["lease_remaining"] <= 30
    assert not second["elected"]
    assert second["leader"] == "a"


def test_initialize_and_shutdown_steer_consumption_of_the_organizations_queue(client_a, org_a):
    started = _data(client_a.post("/api/v1/distributed/initialize"))
    assert started["available"], started
    assert started["replies"], started
    queues = celery_app.control.inspect(timeout=2).active_queues() or {}
    assert any(q["name"] == f"org.{org_a.pk}" for qs in queues.values() for q in qs)
    stopped = _data(client_a.post("/api/v1/distributed/shutdown"))
    assert stopped["replies"]
    queues = celery_app.control.inspect(timeout=2).active_queues() or {}
    assert not any(q["name"] == f"org.{org_a.pk}" for qs in queues.values() for q in qs)
    assert settings.CELERY_BROKER_URL
