import pytest
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable

pytestmark = pytest.mark.django_db(transaction=True)


def test_health_reports_every_component(client):
    response = client.get("/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert set(body["components"]) == {"database", "cache", "broker", "channel_layer"}
    assert all(c["status"] == "up" for c in body["components"].values())
    assert body["mode"] == {
        "database": "sqlite3",
        "jobs": "in-process",
        "channel_layer": "InMemoryChannelLayer",
    }


def test_health_is_503_when_a_component_is_down(client, monkeypatch):
    def broken(self):
        raise ServiceUnavailable("Database unreachable")

    monkeypatch.setattr(Database, "run", broken)

    response = client.get("/health")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["components"]["database"] == {
        "status": "down",
        "error": "Unavailable: Database unreachable",
        "time_ms": body["components"]["database"]["time_ms"],
    }
    assert body["components"]["cache"]["status"] == "up"
