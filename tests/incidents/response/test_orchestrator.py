"""The orchestrator: a goal through the ai layer's local provider -> a planned workflow on the engine."""

import pytest
from django.core import mail

from incidents.response.models import Workflow
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ORCHESTRATE = "/api/v1/agents/orchestrate"


def test_orchestrate_approve_run_cancel(client_a, org_a, manager_a, agent_a, incident_a, committed):
    response = committed(
        lambda: client_a.post(
            ORCHESTRATE,
            {
                "goal": "block the attacker IP for 2 hours and notify the SOC",
                "incident_id": incident_a.human_id,
            },
            format="json",
        )
    )
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert (data["origin"], data["status"], data["approval_status"]) == (
        "orchestrator",
        "pending_approval",
        "pending",
    )
    assert data["plan"]["planner"] == "deterministic"  # the local provider: the goal read as is
    assert [(s["stage"], [a["action"] for a in s["actions"]]) for s in data["plan"]["stages"]] == [
        ("contain", ["block_ip"]),
        ("communicate", ["alert_admin"]),
    ]
    assert data["steps"][0]["params"] == {"ip": incident_a.source_ip, "duration_seconds": 7200}

    listed = client_a.get("/api/v1/orchestrator/workflows").json()["data"]
    assert [(w["id"], w["goal"]) for w in listed] == [
        (data["id"], "block the attacker IP for 2 hours and notify the SOC")
    ]
    status = client_a.get("/api/v1/orchestrator/status").json()["data"]
    assert [w["id"] for w in status["active_workflows"]] == [data["id"]]
    assert [a["name"] for a in status["agents"]] == ["detector", "analyzer", "executor"]

    approved = committed(
        lambda: client_for(manager_a).post(
            f"/api/v1/playbooks/{data['human_id']}/approve", {"approved": True}, format="json"
        )
    )
    assert approved.json()["data"]["status"] == "executing"
    command = agent_a.commands()[0]
    assert command["action"] == "block_ip"

    cancelled = client_a.post(
        f"/api/v1/orchestrator/workflows/{data['id']}/cancel", {"reason": "enough"}, format="json"
    )
    assert cancelled.status_code == 200, cancelled.content
    before = len(mail.outbox)
    committed(lambda: agent_a.report(command["id"], output="blocked"))  # the step in flight finishes
    detail = client_a.get(f"/api/v1/orchestrator/workflows/{data['id']}").json()["data"]
    assert detail["status"] == "cancelled"
    assert [s["status"] for s in detail["steps"]] == ["succeeded", "cancelled"]
    assert len(mail.outbox) == before  # alert_admin never ran
    again = client_a.post(f"/api/v1/orchestrator/workflows/{data['id']}/cancel", {}, format="json")
    assert again.status_code == 409


def test_a_goal_needing_no_approval_runs_at_once_or_waits_when_created(client_a, org_a, committed):
    run = committed(
        lambda: client_a.post(ORCHESTRATE, {"goal": "open a high priority ticket"}, format="json")
    )
    assert run.status_code == 201, run.content
    assert Workflow.objects.for_organization(org_a).get(pk=run.json()["data"]["id"]).status == "completed"

    created = committed(
        lambda: client_a.post("/api/v1/orchestrator/workflows", {"goal": "open a ticket"}, format="json")
    )
    assert created.status_code == 201, created.content
    assert created.json()["data"]["status"] == "ready"


def test_a_goal_that_maps_onto_nothing_is_refused_and_creates_nothing(client_a, org_a):
    response = client_a.post(ORCHESTRATE, {"goal": "make everything secure somehow"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["unmapped"] == ["make everything secure somehow"]
    # A mapped action missing its target (no IP, no incident) is named, not guessed.
    missing = client_a.post(ORCHESTRATE, {"goal": "block the attacker"}, format="json").json()["error"]
    assert missing["details"]["invalid_steps"][0]["action"] == "block_ip"
    assert not Workflow.objects.for_organization(org_a).exists()


def test_another_organizations_orchestrated_workflow_is_not_found(client_a, client_b, committed):
    created = committed(
        lambda: client_a.post("/api/v1/orchestrator/workflows", {"goal": "open a ticket"}, format="json")
    )
    workflow_id = created.json()["data"]["id"]
    assert client_b.get(f"/api/v1/orchestrator/workflows/{workflow_id}").status_code == 404
    assert (
        client_b.post(f"/api/v1/orchestrator/workflows/{workflow_id}/cancel", {}, format="json").status_code
        == 404
    )
