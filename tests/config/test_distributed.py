"""The cluster view in the embedded default: each endpoint says what is not available, none fails;
the cache and the leader lock work on the local cache, namespaced per organization."""

import pytest

from organizations.models import Role
from tests.conftest import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer_client(org_a):
    return client_for(MembershipFactory(organization=org_a, role=Role.VIEWER))


def _data(response, code=200):
    assert response.status_code == code, response.content
    return response.json()["data"]


def test_status_health_and_nodes_say_there_are_no_workers(client_a):
    status = _data(client_a.get("/api/v1/distributed/status"))
    assert status["mode"] == "in-process"
    assert status["workers"] == []
    assert "not available in the embedded default" in status["message"]
    assert status["redis"] == {
        "configured": False,
        "reachable": False,
        "message": "No REDIS_URL: the cache is local memory.",
    }
    health = _data(client_a.get("/api/v1/distributed/health"))
    assert health["status"] == "healthy"
    assert health["checks"] == {
        "broker": True,
        "redis": True,
        "workers": True,
    }
    nodes = _data(client_a.get("/api/v1/distributed/nodes"))
    assert nodes["available"] is False
    assert nodes["nodes"] == []


def test_metrics_answer_truthfully(client_a):
    kafka = _data(client_a.get("/api/v1/distributed/kafka/metrics"))
    assert kafka["configured"] is False
    assert "No Kafka is configured" in kafka["message"]
    redis = _data(client_a.get("/api/v1/distributed/redis/metrics"))
    assert redis["available"] is False
    assert redis["info"] == {}


def test_broadcast_and_consumers_need_an_admin_and_report_unavailability(client_a, viewer_client):
    assert (
        viewer_client.post("/api/v1/distributed/broadcast", {"command": "ping"}, format="json").status_code
        == 403
    )
    ping = _data(client_a.post("/api/v1/distributed/broadcast", {"command": "ping"}, format="json"))
    assert ping["available"] is False
    assert ping["replies"] == []
    bad = client_a.post("/api/v1/distributed/broadcast", {"command": "rate_limit"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "VALIDATION_ERROR"
    started = _data(client_a.post("/api/v1/distributed/initialize"))
    assert started["available"] is False
    assert started["queue"].startswith("org.")
    assert viewer_client.post("/api/v1/distributed/shutdown").status_code == 403


def test_execute_tool_runs_a_registered_task_in_process(client_a, viewer_client):
    result = _data(client_a.post("/api/v1/distributed/execute-tool", {"tool": "diagnostics"}, format="json"))
    assert result["completed"] is True
    assert result["mode"] == "in-process"
    assert result["result"]["tool"] == "diagnostics"
    assert result["result"]["output"]["database"] is True
    unknown = client_a.post("/api/v1/distributed/execute-tool", {"tool": "rm -rf"}, format="json")
    assert unknown.status_code == 400
    assert (
        viewer_client.post(
            "/api/v1/distributed/execute-tool", {"tool": "heartbeat"}, format="json"
        ).status_code
        == 403
    )


def test_cache_is_namespaced_per_organization(client_a, client_b):
    _data(
        client_a.post(
            "/api/v1/distributed/cache/set",
            {"key": "feed:cursor", "value": {"page": 3}, "ttl": 60},
            format="json",
        )
    )
    assert _data(client_a.get("/api/v1/distributed/cache/feed:cursor"))["value"] == {"page": 3}
    foreign = client_b.get("/api/v1/distributed/cache/feed:cursor")
    assert foreign.status_code == 404
    assert foreign.json()["error"]["code"] == "NOT_FOUND"
    bad = client_a.post("/api/v1/distributed/cache/set", {"key": "no spaces", "value": 1}, format="json")
    assert bad.status_code == 400
    assert client_a.get("/api/v1/distributed/cache/never-set").status_code == 404


def test_leader_election_holds_a_lease(client_a, client_b):
    first = _data(
        client_a.post("/api/v1/distributed/coordination/election", {"candidate": "node-1"}, format="json")
    )
    assert first["elected"] is True
    assert first["leader"] == "node-1"
    second = _data(
        client_a.post("/api/v1/distributed/coordination/election", {"candidate": "node-2"}, format="json")
    )
    assert second["elected"] is False
    assert second["leader"] == "node-1"
    renewed = _data(
        client_a.post("/api/v1/distributed/coordination/election", {"candidate": "node-1"}, format="json")
    )
    assert renewed["elected"] is True
    # Another organization's lock of the same name is its own.
    other = _data(
        client_b.post("/api/v1/distributed/coordination/election", {"candidate": "node-2"}, format="json")
    )
    assert other["elected"] is True
    assert other["leader"] == "node-2"


def test_election_without_a_candidate_names_one(client_a):
    body = _data(client_a.post("/api/v1/distributed/coordination/election", {}, format="json"))
    assert body["elected"] is True
    assert body["leader"] == body["candidate"]
    assert body["name"] == "scheduler"
