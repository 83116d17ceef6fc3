"""A secret_exposed event (published by scans) opens an incident with a rotate-credential playbook."""

import uuid

import pytest
from django.core import mail

import realtime
from incidents.response.models import RotationRequest, SecretExposure, Ticket, Workflow
from incidents.threats.models import Incident, Threat
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def payload(**extra):
    return {
        "finding_id": str(uuid.uuid4()),
        "scan_id": str(uuid.uuid4()),
        "project_name": "billing-api",
        "rule_id": "aws_access_key",
        "finding_type": "AWS access key",
        "severity": "critical",
        "file_path": "settings/prod.py",
        "line_number": 12,
        "redacted_preview": "AKIA************",
        "fingerprint": "f" * 64,
        **extra,
    }


def test_an_exposed_secret_opens_an_incident_with_a_rotation_playbook_once(
    org_a, admin_a, manager_a, committed
):
    event = payload()
    committed(lambda: realtime.publish(org_a, "secret_exposed", event))

    exposure = SecretExposure.objects.for_organization(org_a).get(finding_id=event["finding_id"])
    incident = Incident.objects.for_organization(org_a).get(pk=exposure.incident_id)
    threat = Threat.objects.for_organization(org_a).get(incident=incident)
    assert (threat.threat_type, incident.severity) == ("secret_exposed", "critical")
    assert "AWS access key" in threat.title
    assert "settings/prod.py:12" in threat.title
    workflow = Workflow.objects.for_organization(org_a).get(threat=threat)
    assert workflow.pk == exposure.workflow_id
    assert (workflow.status, workflow.approval_status) == ("pending_approval", "pending")
    step = workflow.steps.get()
    assert step.action == "rotate_credential"
    assert step.params["finding_id"] == event["finding_id"]
    assert step.params["location"] == "billing-api settings/prod.py:12"

    # The same finding published again (a rescan, a redelivery) opens nothing new.
    committed(lambda: realtime.publish(org_a, "secret_exposed", event))
    assert SecretExposure.objects.for_organization(org_a).count() == 1
    assert Incident.objects.for_organization(org_a).count() == 1
    assert Workflow.objects.for_organization(org_a).count() == 1

    # Approved, the rotation opens a ticket, tells the owners (the admins) and is recorded.
    mail.outbox.clear()
    response = committed(
        lambda: client_for(manager_a).post(
            f"/api/v1/playbooks/{workflow.human_id}/approve", {"approved": True}, format="json"
        )
    )
    assert response.status_code == 200, response.content
    workflow.refresh_from_db()
    assert workflow.status == "completed"
    rotation = RotationRequest.objects.for_organization(org_a).get()
    assert (rotation.finding_id, rotation.notified) == (event["finding_id"], [admin_a.user.email])
    ticket = Ticket.objects.for_organization(org_a).get(pk=rotation.ticket_id)
    assert ticket.priority == "high"
    assert "aws" in ticket.title.lower()
    assert [m.to for m in mail.outbox] == [[admin_a.user.email]]


def test_each_finding_gets_its_own_incident_and_other_events_are_ignored(org_a, committed):
    committed(lambda: realtime.publish(org_a, "secret_exposed", payload(severity="medium")))
    committed(lambda: realtime.publish(org_a, "secret_exposed", payload(file_path="", project_name="")))
    committed(lambda: realtime.publish(org_a, "threat_detected", {"threat_id": "THR-1"}))
    assert SecretExposure.objects.for_organization(org_a).count() == 2
    assert Incident.objects.for_organization(org_a).count() == 2
