"""The detector -> analyzer -> executor pipeline: runs recorded from the real tasks, and configure."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.response.models import ActionExecution, PipelineRun, PipelineStageConfig, Workflow
from incidents.signals import incident_saved
from incidents.threats.models import Incident
from tests.conftest import client_for
from tests.incidents.response.conftest import make_incident

pytestmark = pytest.mark.django_db

STATUS = "/api/v1/agents/status"
CREATE = "/api/v1/response/workflows/create"


def agents(client) -> dict:
    response = client.get(STATUS)
    assert response.status_code == 200, response.content
    return {row["name"]: row for row in response.json()["data"]["agents"]}


def saved(org, incident, committed):
    committed(lambda: incident_saved.send(sender=Incident, organization=org, incident=incident, created=True))


def configure(client, name, **values):
    return client.post(f"/api/v1/agents/{name}/configure", values, format="json")


def test_status_lists_the_three_stages_with_no_runs_yet(client_a, viewer_a):
    rows = agents(client_for(viewer_a))
    assert list(rows) == ["detector", "analyzer", "executor"]
    assert rows["executor"] == {
        "name": "executor",
        "status": "active",
        "processed_today": 0,
        "avg_processing_time_ms": 0,
        "success_rate": None,
    }


def test_a_detected_incident_runs_the_detector_then_the_analyzer(client_a, org_a, incident_a, committed):
    saved(org_a, incident_a, committed)
    incident_a.refresh_from_db()
    assert incident_a.ai_analysis["recommended_actions"]  # the analyzer's AI analysis (local provider)
    assert (
        Workflow.objects.for_organization(org_a).filter(incident=incident_a).exists()
    )  # the detector's playbook
    rows = agents(client_a)
    assert (rows["detector"]["processed_today"], rows["detector"]["success_rate"]) == (1, 1.0)
    assert (rows["analyzer"]["processed_today"], rows["analyzer"]["success_rate"]) == (1, 1.0)
    assert rows["executor"]["processed_today"] == 0
    # Yesterday's runs do not count today.
    PipelineRun.objects.for_organization(org_a).update(created_at=timezone.now() - timedelta(days=1))
    assert agents(client_a)["detector"]["processed_today"] == 0


def test_the_analyzer_threshold_decides_which_incidents_are_analysed(client_a, org_a, committed):
    response = configure(client_a, "analyzer", threshold=0.9)
    assert response.status_code == 200, response.content
    assert response.json()["data"]["threshold"] == 0.9
    below = make_incident(org_a, risk_score=70)
    saved(org_a, below, committed)
    below.refresh_from_db()
    assert below.ai_analysis in ({}, None)
    above = make_incident(org_a, source_ip="198.51.100.4", risk_score=95)
    saved(org_a, above, committed)
    above.refresh_from_db()
    assert above.ai_analysis["recommended_actions"]
    assert agents(client_a)["analyzer"]["processed_today"] == 1


def test_a_disabled_detector_acts_on_nothing(client_a, org_a, incident_a, committed):
    assert configure(client_a, "detector", enabled=False).status_code == 200
    saved(org_a, incident_a, committed)
    assert not Workflow.objects.for_organization(org_a).filter(incident=incident_a).exists()
    rows = agents(client_a)
    assert (rows["detector"]["status"], rows["detector"]["processed_today"]) == ("disabled", 0)
    assert PipelineRun.objects.for_organization(org_a).get().status == "skipped"


def _failing_workflow(client):
    # No enrolled agent runs forensic_dump on this host: every attempt fails at once.
    response = client.post(
        CREATE,
        {
            "name": "collect",
            "steps": [{"action": "forensic_dump", "params": {"host": "gone-01"}}],
            "execute": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["data"]


def _after(client, created) -> dict:
    return client.get(f"/api/v1/playbooks/{created['human_id']}").json()["data"]


def test_executor_retry_attempts_change_how_often_a_failing_step_runs(client_a, committed):
    default = _after(client_a, committed(lambda: _failing_workflow(client_a)))
    assert (default["status"], default["steps"][0]["attempts"]) == ("failed", 2)  # 1 retry by default

    assert configure(client_a, "executor", retry_attempts=0).status_code == 200
    configured = _after(client_a, committed(lambda: _failing_workflow(client_a)))
    assert (configured["status"], configured["steps"][0]["attempts"]) == ("failed", 1)
    assert configured["steps"][0]["max_retries"] == 0

    rows = agents(client_a)
    assert (rows["executor"]["processed_today"], rows["executor"]["success_rate"]) == (2, 0.0)


def test_executor_timeout_is_the_deadline_of_a_steps_agent_command(client_a, org_a, agent_a, committed):
    assert configure(client_a, "executor", timeout=60).status_code == 200
    before = timezone.now()
    committed(
        lambda: client_a.post(
            CREATE,
            {
                "name": "dump",
                "steps": [{"action": "forensic_dump", "params": {"host": "web-01"}}],
                "execute": True,
            },
            format="json",
        )
    )
    command = ActionExecution.objects.for_organization(org_a).get(action="forensic_dump")
    assert before + timedelta(seconds=59) <= command.expires_at <= timezone.now() + timedelta(seconds=60)


def test_a_disabled_executor_starts_no_workflow(client_a, org_a, committed):
    assert configure(client_a, "executor", enabled=False).status_code == 200
    response = committed(
        lambda: client_a.post(
            CREATE,
            {"name": "ticket", "steps": [{"action": "create_ticket"}], "execute": False},
            format="json",
        )
    )
    workflow_id = response.json()["data"]["id"]
    refused = client_a.post("/api/v1/response/workflows/execute", {"workflow_id": workflow_id}, format="json")
    assert refused.status_code == 409
    assert "executor" in refused.json()["error"]["message"]
    assert Workflow.objects.for_organization(org_a).get(pk=workflow_id).status == "ready"


def test_configure_validates_and_is_for_managers(client_a, org_a, viewer_a):
    assert configure(client_a, "planner", threshold=0.5).status_code == 404  # no such agent
    bad = configure(client_a, "detector", threshold=1.5, timeout=0)
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "VALIDATION_ERROR"
    assert configure(client_a, "detector").status_code == 400  # nothing to change
    assert configure(client_for(viewer_a), "detector", threshold=0.5).status_code == 403
    assert not PipelineStageConfig.objects.for_organization(org_a).exists()


def test_configure_changes_only_the_callers_organization_and_refuses_an_unknown_stage(
    client_a, client_b, org_a, org_b
):
    assert configure(client_a, "executor", enabled=False).status_code == 200

    assert agents(client_a)["executor"]["status"] != "active"
    assert agents(client_b)["executor"]["status"] == "active"
    assert not PipelineStageConfig.objects.for_organization(org_b).exists()

    response = configure(client_a, "summarizer", enabled=False)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert PipelineStageConfig.objects.for_organization(org_a).count() == 1
