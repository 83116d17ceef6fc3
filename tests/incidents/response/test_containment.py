"""Containment of incidents through agents: block, status, scheduled unblock, isolation, auto-containment."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from incidents.response.models import Containment, ReleaseSchedule
from incidents.response.services.containment import release_run
from incidents.response.tasks import resend_schedules
from incidents.signals import incident_saved
from incidents.threats.models import Incident
from incidents.threats.selectors import detection_settings
from tests.incidents.response.conftest import make_incident

pytestmark = pytest.mark.django_db


def url(incident, tail):
    return f"/api/v1/incidents/{incident.pk}/{tail}"


def block(client, incident, agent, **body):
    response = client.post(url(incident, "contain"), body, format="json")
    assert response.status_code == 202, response.content
    command = agent.commands()[0]
    assert command["action"] == "block_ip"
    assert agent.report(command["id"], output="blocked").status_code == 200
    return response.json()["data"]


def test_contain_blocks_the_source_through_the_agent_and_status_follows(client_a, org_a, agent_a, incident_a):
    before = client_a.get(url(incident_a, "block-status")).json()["data"]
    assert before["blocked"] is False
    assert before["status"] is None

    response = client_a.post(url(incident_a, "contain"), {"duration_minutes": 30}, format="json")
    assert response.status_code == 202, response.content
    data = response.json()["data"]
    assert data["containment"]["status"] == "pending"
    assert client_a.get(url(incident_a, "block-status")).json()["data"]["status"] == "pending"

    command = agent_a.commands()[0]
    assert command["params"] == {"ip": "203.0.113.9", "duration_seconds": 1800}
    agent_a.report(command["id"], output="blocked")

    status = client_a.get(url(incident_a, "block-status")).json()["data"]
    assert status["blocked"] is True
    assert status["target"] == "203.0.113.9"
    assert status["agent_hostname"] == "web-01"
    expires = timezone.datetime.fromisoformat(status["expires_at"])
    assert timedelta(minutes=29) < expires - timezone.now() <= timedelta(minutes=30)
    assert status["release_scheduled_at"] == status["expires_at"]  # every block has its undo scheduled


def test_contain_by_human_id_and_a_second_block_is_a_conflict(client_a, agent_a, incident_a):
    block(client_a, incident_a, agent_a)
    again = client_a.post(f"/api/v1/incidents/{incident_a.human_id}/contain", {}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "CONFLICT"


def test_the_scheduled_unblock_queues_unblock_ip_and_releases_the_block(client_a, org_a, agent_a, incident_a):
    block(client_a, incident_a, agent_a)
    response = client_a.post(url(incident_a, "schedule_unblock"), {"minutes": 5}, format="json")
    assert response.status_code == 201, response.content
    schedule = ReleaseSchedule.objects.for_organization(org_a).get(pk=response.json()["data"]["schedule_id"])
    assert ReleaseSchedule.objects.for_organization(org_a).filter(status="pending").count() == 1  # replaced

    release_run(organization_id=org_a.pk, schedule_id=schedule.pk)  # not due yet: nothing happens
    assert agent_a.commands() == []

    ReleaseSchedule.objects.for_organization(org_a).filter(pk=schedule.pk).update(
        run_at=timezone.now() - timedelta(seconds=1)
    )
    release_run(organization_id=org_a.pk, schedule_id=schedule.pk)
    release_run(organization_id=org_a.pk, schedule_id=schedule.pk)  # twice is harmless
    commands = agent_a.commands()
    assert [(c["action"], c["params"]["ip"]) for c in commands] == [("unblock_ip", "203.0.113.9")]
    agent_a.report(commands[0]["id"], output="unblocked")

    status = client_a.get(url(incident_a, "block-status")).json()["data"]
    assert (status["blocked"], status["status"]) == (False, "released")
    assert Containment.objects.for_organization(org_a).get().released_at is not None


def test_pending_schedules_are_resent_on_start(org_a, client_a, agent_a, incident_a):
    block(client_a, incident_a, agent_a)
    with mock.patch("incidents.response.tasks.run_release.apply_async") as sent:
        assert resend_schedules() >= 1
    schedule = ReleaseSchedule.objects.for_organization(org_a).get(status="pending")
    sent.assert_any_call(
        kwargs={"organization_id": str(org_a.pk), "schedule_id": str(schedule.pk)}, eta=schedule.run_at
    )


def test_schedule_unblock_without_a_block_is_a_conflict_and_bad_input_a_400(client_a, incident_a):
    assert (
        client_a.post(url(incident_a, "schedule_unblock"), {"minutes": 5}, format="json").status_code == 409
    )
    assert client_a.post(url(incident_a, "schedule_unblock"), {}, format="json").status_code == 400


def test_isolate_host_and_isolation_status(client_a, agent_a, incident_a):
    response = client_a.post(url(incident_a, "actions/isolate-host"), {"host": "web-01"}, format="json")
    assert response.status_code == 202, response.content
    command = agent_a.commands()[0]
    assert (command["action"], command["params"]["host"]) == ("isolate_host", "web-01")
    agent_a.report(command["id"])
    status = client_a.get(url(incident_a, "isolation-status")).json()["data"]
    assert (status["blocked"], status["target"]) == (True, "web-01")


def test_isolating_a_host_without_its_agent_fails_clearly(client_a, agent_a, incident_a):
    response = client_a.post(url(incident_a, "actions/isolate-host"), {"host": "db-09"}, format="json")
    data = response.json()["data"]
    assert data["execution"]["status"] == "failed"
    assert "db-09" in data["execution"]["error"]
    assert data["containment"]["status"] == "failed"


def test_reset_passwords_and_block_ip_endpoints(client_a, agent_a, incident_a):
    reset = client_a.post(url(incident_a, "actions/reset-passwords"), {"users": ["root"]}, format="json")
    assert reset.status_code == 202
    blocked = client_a.post(url(incident_a, "actions/block-ip"), {"ip": "198.51.100.40"}, format="json")
    assert blocked.status_code == 202
    actions = sorted((c["action"], str(c["params"])) for c in agent_a.commands())
    assert [a for a, _ in actions] == ["block_ip", "reset_passwords"]


def test_another_organizations_incident_is_a_404(client_b, incident_a):
    for tail in ("block-status", "isolation-status"):
        assert client_b.get(url(incident_a, tail)).status_code == 404
    assert client_b.post(url(incident_a, "contain"), {}, format="json").status_code == 404


def test_auto_containment_blocks_a_high_severity_incident_by_itself(org_a, agent_a, committed):
    row = detection_settings(org_a)
    row.auto_contain = True
    row.save()
    incident = make_incident(org_a, source_ip="192.0.2.66", severity="high")
    low = make_incident(org_a, source_ip="192.0.2.67", severity="low")

    def send():
        for item in (incident, low):
            incident_saved.send(sender=Incident, organization=org_a, incident=item, created=True)

    committed(send)
    commands = agent_a.commands()
    assert [(c["action"], c["params"]["ip"]) for c in commands] == [("block_ip", "192.0.2.66")]


def test_without_auto_containment_nothing_is_blocked(org_a, agent_a, committed):
    incident = make_incident(org_a, source_ip="192.0.2.66", severity="critical")
    committed(
        lambda: incident_saved.send(sender=Incident, organization=org_a, incident=incident, created=True)
    )
    assert agent_a.commands() == []
