"""The incident workspace on the scaled topology: a simulation run by a real Celery worker through
ingest and detection on PostgreSQL, and the analytics aggregates computed by PostgreSQL."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from incidents.analytics.selectors import dashboard, metric_series
from incidents.models import AttackSimulation, Threat
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_simulation_runs_in_the_worker_and_its_threat_is_on_the_dashboard():
    organization = OrganizationFactory()
    client = client_for(MembershipFactory(organization=organization))
    response = client.post(
        "/api/v1/simulate-attack",
        {"attack_type": "brute_force", "target": "auth_server", "intensity": "low"},
        format="json",
    )
    assert response.status_code == 202, response.content
    simulation_id = response.json()["data"]["simulation_id"]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        simulation = AttackSimulation.objects.for_organization(organization).get(human_id=simulation_id)
        if simulation.status in ("completed", "failed"):
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the worker did not finish the simulation (status {simulation.status})")
    assert simulation.status == "completed", simulation.error
    detail = client.get(f"/api/v1/simulate-attack/{simulation_id}").json()["data"]
    assert "brute_force_attack" in {t["type"] for t in detail["threats"]}
    # Simulated threats are synthetic: the dashboard leaves them out, the incident list has them.
    assert dashboard(organization)["today"]["threats_detected"] == 0
    assert client.get("/api/v1/incidents").json()["meta"]["pagination"]["total"] == 1
    assert client.get("/api/v1/incidents/real").json()["meta"]["pagination"]["total"] == 0


def test_response_time_statistics_on_postgresql():
    organization = OrganizationFactory()
    base = datetime(2026, 11, 20, 10, 5, tzinfo=UTC)
    for n, (hour, seconds) in enumerate([(0, 10), (0, 30), (1, 40), (2, 15), (3, 60), (3, 100)], start=1):
        stamp = base + timedelta(hours=hour)
        Threat.objects.create(
            organization=organization,
            human_id=f"THR-2026-{n:04d}",
            threat_type="sql_injection",
            title="t",
            severity="high",
            confidence=0.9,
            status="mitigated",
            detector="sigma",
            dedupe_key=f"k{n}",
            first_seen_at=stamp,
            last_seen_at=stamp,
            detected_at=stamp,
            mitigated_at=stamp + timedelta(seconds=seconds),
        )
    series = metric_series(
        organization,
        metric="response_time",
        start=base - timedelta(hours=1),
        end=base + timedelta(hours=5),
        interval="hour",
    )
    assert [p["value"] for p in series["data_points"]] == [20.0, 40.0, 15.0, 80.0]
    assert series["statistics"] == {
        "min": 15.0,
        "max": 80.0,
        "avg": 38.75,
        "p50": 30.0,
        "p95": 74.0,
        "p99": 78.8,
    }
