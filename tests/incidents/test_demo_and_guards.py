"""Demo data, tenancy guards and admin pages for the incidents app."""

import pytest

from incidents.demo import load
from incidents.models import Event, Incident, Sensor, Threat
from tests.test_route_guard import unguarded_routes

pytestmark = pytest.mark.django_db


def test_demo_data_loads_once(org_a, admin_a):
    load(organization=org_a, admin=admin_a.user)
    threats = Threat.objects.for_organization(org_a).count()
    assert threats >= 8
    assert Incident.objects.for_organization(org_a).filter(source_ip="203.0.113.77").exists()
    assert Threat.objects.for_organization(org_a).filter(threat_type="threat_intel_match").exists()
    load(organization=org_a, admin=admin_a.user)
    assert Threat.objects.for_organization(org_a).count() == threats
    assert Sensor.objects.for_organization(org_a).count() == 1
    assert Event.objects.for_organization(org_a).count() == 85
    investigated = Incident.objects.for_organization(org_a).get(status="investigating")
    assert investigated.assignee == admin_a.user
    assert investigated.ai_analysis["provider"] == "local"


def test_incidents_routes_are_tenant_guarded():
    assert [r for r in unguarded_routes() if "ingest" in r or "threat" in r or "detect" in r] == []
    workspace = (
        "incidents",
        "analytics",
        "simulate-attack",
        "honeypot",
        "sources",
        "telemetry",
        "settings/",
        "adaptive",
    )
    assert [r for r in unguarded_routes() if any(w in r for w in workspace)] == []


def test_an_incident_change_page_renders(admin_client, org_a, client_a):
    from tests.incidents.workspace_helpers import incident_from

    incident = incident_from(org_a, "198.51.100.5")
    client_a.post(f"/api/v1/incidents/{incident.human_id}/status", {"status": "investigating"})
    page = admin_client.get(f"/admin/incidents/incident/{incident.pk}/change/")
    assert page.status_code == 200
    assert b"status_changed" in page.content


@pytest.mark.parametrize(
    "path",
    [
        "/admin/incidents/threat/",
        "/admin/incidents/event/",
        "/admin/incidents/detectionrule/",
        "/admin/incidents/sensor/",
        "/admin/incidents/indicator/",
        "/admin/incidents/incident/",
        "/admin/incidents/incidentcomment/",
        "/admin/incidents/incidentobservable/",
        "/admin/incidents/detectionsettings/",
        "/admin/incidents/attacksimulation/",
    ],
)
def test_admin_pages_render(admin_client, path, client_a, sensor_a):
    client_a.post("/api/v1/detect", {"log_entry": "Failed login attempt from 192.0.2.1"}, format="json")
    assert admin_client.get(path).status_code == 200
