"""POST simulate-attack end to end: the Celery job's events go through the real ingest and detection
path, flagged synthetic, and GET simulate-attack/{id} shows the threats they produced."""

import pytest

from incidents.models import AttackSimulation, Event, Threat
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SIMULATE = "/api/v1/simulate-attack"


@pytest.mark.parametrize(
    ("attack_type", "threat_type", "technique"),
    [
        ("brute_force", "brute_force_attack", "T1110.001"),
        ("sql_injection", "sql_injection", "T1190"),
        ("port_scan", "port_scan", "T1046"),
        ("malware", "malware_download", "T1105"),
        ("ddos", "ddos", "T1498"),
    ],
)
def test_a_simulation_produces_the_expected_threat(
    client_a, org_a, django_capture_on_commit_callbacks, attack_type, threat_type, technique
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            SIMULATE, {"attack_type": attack_type, "target": "auth_server", "intensity": "low"}, format="json"
        )
    assert response.status_code == 202, response.content
    started = response.json()["data"]
    assert started["simulation_id"].startswith("SIM-")
    assert started["status"] == "queued"
    assert started["estimated_duration_s"] > 0
    detail = client_a.get(f"{SIMULATE}/{started['simulation_id']}").json()["data"]
    assert detail["status"] == "completed", detail
    assert detail["progress"] == 1.0
    assert detail["events_sent"] == detail["events_planned"] > 0
    types = {t["type"] for t in detail["threats"]}
    assert threat_type in types, detail
    assert any(technique in t["mitre_attack"] for t in detail["threats"])
    assert detail["finding"].startswith("Detected")
    simulation = AttackSimulation.objects.for_organization(org_a).get(human_id=started["simulation_id"])
    # Flagged synthetic everywhere: real incidents and the dashboard leave them out.
    assert not Event.objects.for_organization(org_a).filter(synthetic=False).exists()
    assert all(t.synthetic for t in Threat.objects.for_organization(org_a))
    assert client_a.get("/api/v1/incidents/real").json()["data"] == []
    assert str(simulation.source_ip).startswith("198.1")


def test_a_simulation_without_detection_says_so(client_a, org_a, django_capture_on_commit_callbacks):
    from incidents.detection.models import DetectionRule

    client_a.get("/api/v1/detection/rules")  # mirrors the built-in rules into the organization
    # Every rule over network connections off (a base rule generates on its own once its
    # correlation is gone): the scan's events then match nothing.
    DetectionRule.objects.for_organization(org_a).filter(
        threat_type__in=["port_scan", "connection", "traffic", "ddos"]
    ).update(enabled=False)
    from incidents.detection.rulesets import rules_changed

    rules_changed(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        started = client_a.post(
            SIMULATE, {"attack_type": "port_scan", "target": "192.0.2.10"}, format="json"
        ).json()["data"]
    detail = client_a.get(f"{SIMULATE}/{started['simulation_id']}").json()["data"]
    assert detail["status"] == "completed"
    assert detail["threats_detected"] == 0
    assert detail["threats"] == []
    assert detail["finding"].startswith("No detection")


@pytest.mark.parametrize(
    "body",
    [
        {"attack_type": "phishing", "target": "x"},
        {"attack_type": "ddos", "target": ""},
        {"attack_type": "ddos", "target": "a b"},
        {"attack_type": "ddos", "target": "x", "intensity": "extreme"},
    ],
)
def test_bad_input_is_400_and_starts_nothing(client_a, org_a, body):
    response = client_a.post(SIMULATE, body, format="json")
    assert response.status_code == 400
    assert not AttackSimulation.objects.for_organization(org_a).exists()


def test_viewers_may_not_simulate_and_other_organizations_see_nothing(
    client_a, client_b, viewer_a, django_capture_on_commit_callbacks
):
    assert (
        client_for(viewer_a).post(SIMULATE, {"attack_type": "ddos", "target": "x"}, format="json").status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        started = client_a.post(
            SIMULATE, {"attack_type": "sql_injection", "target": "x"}, format="json"
        ).json()["data"]
    assert client_b.get(f"{SIMULATE}/{started['simulation_id']}").status_code == 404
    assert client_a.get(SIMULATE).json()["meta"]["pagination"]["total"] == 1
