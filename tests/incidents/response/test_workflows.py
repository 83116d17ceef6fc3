"""Playbooks and response workflows: one engine, an approval gate, ordered steps, retries, cancel."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from incidents.response.models import Workflow
from incidents.response.services.workflows import approval_expire
from incidents.signals import incident_saved
from incidents.threats.models import Incident, Threat
from realtime.models import Event
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CREATE = "/api/v1/response/workflows/create"


def generate(org, incident, committed):
    committed(lambda: incident_saved.send(sender=Incident, organization=org, incident=incident, created=True))
    return Workflow.objects.for_organization(org).get(incident=incident)


def alerts():
    """Emails other than the approval requests (which carry each approver's links)."""
    return [m for m in mail.outbox if not m.subject.startswith("[Palisade] Approval needed")]


def events(org, name):
    return list(Event.objects.for_organization(org).filter(event_type=name).values_list("payload", flat=True))


def test_a_new_incident_gets_a_playbook_waiting_for_approval(client_a, org_a, incident_a, committed):
    playbook = generate(org_a, incident_a, committed)
    threat = Threat.objects.for_organization(org_a).get(incident=incident_a)
    listed = client_a.get(f"/api/v1/playbooks?threat_id={threat.human_id}").json()["data"]
    assert [p["human_id"] for p in listed] == [playbook.human_id]
    assert listed[0]["approval_status"] == "pending"
    assert listed[0]["steps"] == 2

    detail = client_a.get(f"/api/v1/playbooks/{playbook.human_id}").json()["data"]
    assert [(s["order"], s["action"], s["params"]) for s in detail["steps"]] == [
        (1, "block_ip", {"ip": "203.0.113.9"}),
        (2, "alert_admin", {}),
    ]
    assert detail["skipped_recommendations"] == ["review_auth_logs", "enforce_mfa"]
    assert 0 < detail["estimated_success"] < 1
    assert [p["playbook_id"] for p in events(org_a, "playbook_generated")] == [playbook.human_id]
    assert [p["playbook_id"] for p in events(org_a, "approval_required")] == [playbook.human_id]
    # Another incident change does not generate a second playbook for the same threat.
    generate(org_a, incident_a, committed)


def test_approval_runs_the_steps_in_order_and_mitigates_the_threat(
    org_a, admin_a, manager_a, agent_a, incident_a, committed
):
    playbook = generate(org_a, incident_a, committed)
    client = client_for(manager_a)
    response = committed(
        lambda: client.post(
            f"/api/v1/playbooks/{playbook.human_id}/approve",
            {"approved": True, "comment": "go"},
            format="json",
        )
    )
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert (data["status"], data["approved_by"], data["comment"]) == ("executing", manager_a.user.email, "go")
    assert data["approved_at"]
    assert [p["playbook_id"] for p in events(org_a, "playbook_executing")] == [playbook.human_id]

    command = agent_a.commands()[0]  # step 1 waits for the agent; step 2 has not started
    assert command["action"] == "block_ip"
    steps = client.get(f"/api/v1/response/workflows/{playbook.pk}/status").json()["data"]
    assert (steps["current_step"], steps["steps_done"]) == (1, [])
    assert alerts() == []

    committed(lambda: agent_a.report(command["id"], output="blocked"))
    detail = client.get(f"/api/v1/playbooks/{playbook.human_id}").json()["data"]
    assert detail["status"] == "completed"
    assert [s["status"] for s in detail["steps"]] == ["succeeded", "succeeded"]
    assert detail["steps"][0]["result"] == "blocked"
    assert detail["steps"][0]["duration_ms"] is not None
    assert detail["actual_success"] == 1.0
    assert len(alerts()) == 1  # step 2, alert_admin
    threat = Threat.objects.for_organization(org_a).get(incident=incident_a)
    assert threat.status == "mitigated"
    assert [p["threat_id"] for p in events(org_a, "threat_mitigated")] == [threat.human_id]
    actions = client.get(f"/api/v1/response/workflows/{playbook.pk}/actions").json()["data"]
    assert [a["action"] for a in actions] == ["block_ip", "alert_admin"]


def test_rejection_records_who_and_runs_nothing(org_a, manager_a, agent_a, incident_a, committed):
    playbook = generate(org_a, incident_a, committed)
    client = client_for(manager_a)
    response = committed(
        lambda: client.post(
            f"/api/v1/playbooks/{playbook.human_id}/approve",
            {"approved": False, "comment": "false alarm"},
            format="json",
        )
    )
    data = response.json()["data"]
    assert (data["status"], data["approval_status"], data["approved_by"]) == (
        "rejected",
        "rejected",
        manager_a.user.email,
    )
    assert agent_a.commands() == []
    again = client.post(f"/api/v1/playbooks/{playbook.human_id}/approve", {"approved": True}, format="json")
    assert again.status_code == 409
    detail = client.get(f"/api/v1/playbooks/{playbook.human_id}").json()["data"]
    assert [s["status"] for s in detail["steps"]] == ["cancelled", "cancelled"]


def test_editors_cannot_approve_and_execute_waits_for_approval(org_a, editor_client, incident_a, committed):
    playbook = generate(org_a, incident_a, committed)
    denied = editor_client.post(
        f"/api/v1/playbooks/{playbook.human_id}/approve", {"approved": True}, format="json"
    )
    assert denied.status_code == 403
    early = editor_client.post(
        "/api/v1/response/workflows/execute", {"workflow_id": playbook.human_id}, format="json"
    )
    assert early.status_code == 409
    assert Workflow.objects.for_organization(org_a).get().status == "pending_approval"


def test_an_unanswered_approval_expires_as_denied(org_a, incident_a, committed):
    playbook = generate(org_a, incident_a, committed)
    approval_expire(organization_id=org_a.pk, workflow_id=playbook.pk)  # not yet due
    assert Workflow.objects.for_organization(org_a).get().approval_status == "pending"
    Workflow.objects.for_organization(org_a).update(approval_expires_at=timezone.now() - timedelta(seconds=1))
    approval_expire(organization_id=org_a.pk, workflow_id=playbook.pk)
    playbook.refresh_from_db()
    assert (playbook.status, playbook.approval_status) == ("rejected", "expired")


def test_a_workflow_without_approval_runs_on_execute(client_a, org_a, incident_a, committed):
    response = client_a.post(
        CREATE,
        {
            "name": "Notify",
            "incident_id": incident_a.human_id,
            "steps": [
                {"action": "create_ticket", "params": {"title": "Investigate"}},
                {"action": "notify_webhook", "params": {"message": "m"}},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()["data"]
    assert (created["status"], created["approval_status"]) == ("ready", "not_required")
    executed = committed(
        lambda: client_a.post(
            "/api/v1/response/workflows/execute", {"workflow_id": created["id"]}, format="json"
        )
    )
    assert executed.status_code == 202
    status = client_a.get(f"/api/v1/response/workflows/{created['id']}/status").json()["data"]
    assert (status["status"], status["progress"], status["steps_done"]) == ("completed", 1.0, [1, 2])
    listed = client_a.get("/api/v1/response/workflows?status=completed").json()["data"]
    assert [w["id"] for w in listed] == [created["id"]]


def test_an_invalid_step_is_a_400_naming_the_step(client_a, org_a):
    response = client_a.post(
        CREATE,
        {"name": "Bad", "steps": [{"action": "alert_admin"}, {"action": "block_ip", "params": {"ip": "x"}}]},
        format="json",
    )
    assert response.status_code == 400
    assert "1" in response.json()["error"]["details"]["steps"]
    assert not Workflow.objects.for_organization(org_a).exists()


def test_a_failing_step_is_retried_then_fails_the_workflow_with_the_reason(
    client_a, org_a, agent_a, committed
):
    created = client_a.post(
        CREATE,
        {
            "name": "Forensics",
            "steps": [
                {"action": "forensic_dump", "params": {"host": "web-01"}, "max_retries": 1},
                {"action": "create_ticket"},
            ],
        },
        format="json",
    )
    workflow_id = created.json()["data"]["id"]
    committed(
        lambda: client_a.post(
            "/api/v1/response/workflows/execute", {"workflow_id": workflow_id}, format="json"
        )
    )
    first = agent_a.commands()[0]
    committed(lambda: agent_a.report(first["id"], success=False, output="disk full"))
    second = agent_a.commands()[0]  # the retry is a new command
    assert second["id"] != first["id"]
    assert second["action"] == "forensic_dump"
    committed(lambda: agent_a.report(second["id"], success=False, output="disk still full"))

    status = client_a.get(f"/api/v1/response/workflows/{workflow_id}/status").json()["data"]
    assert status["status"] == "failed"
    assert status["failure_reason"] == "Step 1 (forensic_dump) failed after 2 attempt(s): disk still full"
    assert [s["status"] for s in status["steps"]] == ["failed", "skipped"]
    history = client_a.get(f"/api/v1/response/workflows/{workflow_id}/actions").json()["data"]
    assert [h["status"] for h in history] == ["failed", "failed"]


def test_cancel_mid_run_stops_before_the_next_step(client_a, org_a, agent_a, committed):
    created = client_a.post(
        CREATE,
        {
            "name": "Two agent steps",
            "steps": [
                {"action": "forensic_dump", "params": {"host": "web-01"}},
                {"action": "create_ticket", "params": {"title": "after"}},
            ],
        },
        format="json",
    ).json()["data"]
    committed(
        lambda: client_a.post(
            "/api/v1/response/workflows/execute", {"workflow_id": created["id"]}, format="json"
        )
    )
    command = agent_a.commands()[0]
    cancelled = client_a.post(
        f"/api/v1/response/workflows/{created['id']}/cancel", {"reason": "enough"}, format="json"
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["data"]["status"] == "cancelled"
    committed(
        lambda: agent_a.report(command["id"], output="collected")
    )  # the running step finishes on its own

    status = client_a.get(f"/api/v1/response/workflows/{created['id']}/status").json()["data"]
    assert status["status"] == "cancelled"
    assert status["steps_done"] == [1]
    assert [s["status"] for s in status["steps"]] == ["succeeded", "cancelled"]
    assert (
        client_a.post(f"/api/v1/response/workflows/{created['id']}/cancel", {}, format="json").status_code
        == 409
    )


def test_impact_metrics_and_cross_tenant(client_a, client_b, org_a, incident_a, committed):
    playbook = generate(org_a, incident_a, committed)
    client_a.post("/api/v1/response/actions/execute", {"action": "create_ticket"}, format="json")
    impact = client_a.get("/api/v1/response/metrics/impact").json()["data"]
    assert impact["actions_total"] == 1
    assert impact["actions_by_status"]["succeeded"] == 1
    assert impact["workflows_by_status"]["pending_approval"] == 1
    assert client_b.get("/api/v1/response/metrics/impact").json()["data"]["actions_total"] == 0
    assert client_b.get(f"/api/v1/playbooks/{playbook.human_id}").status_code == 404
    assert client_b.get(f"/api/v1/response/workflows/{playbook.pk}/status").status_code == 404
    assert client_b.get("/api/v1/playbooks").json()["data"] == []


def test_ai_plan_and_recommendation_become_workflows_through_the_gate(client_a, org_a, incident_a, committed):
    url = f"/api/v1/incidents/{incident_a.human_id}"
    assert client_a.post(f"{url}/execute-ai-plan", {}, format="json").status_code == 409  # no analysis yet
    incident_a.ai_analysis = {
        "summary": "brute force",
        "recommended_actions": [
            {"action": "block_ip", "params": {"ip": "203.0.113.9", "duration_seconds": 86400}},
            {"action": "create_ticket", "params": {"title": "follow up"}},
            {"action": "teleport", "params": {}},
        ],
    }
    incident_a.save()
    plan = client_a.post(f"{url}/execute-ai-plan", {}, format="json")
    assert plan.status_code == 201, plan.content
    data = plan.json()["data"]
    assert (data["origin"], data["status"]) == ("ai", "pending_approval")  # block_ip needs approval
    assert [s["action"] for s in data["steps"]] == ["block_ip", "create_ticket"]
    assert data["skipped_recommendations"] == ["teleport"]

    one = committed(lambda: client_a.post(f"{url}/execute-ai-recommendation", {"index": 1}, format="json"))
    assert one.json()["data"]["approval_status"] == "not_required"
    assert Workflow.objects.for_organization(org_a).get(pk=one.json()["data"]["id"]).status == "completed"
    assert client_a.post(f"{url}/execute-ai-recommendation", {"index": 7}, format="json").status_code == 400
