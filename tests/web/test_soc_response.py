"""SOC response pages: an incident's attack path, AI analysis, actions and playbooks; approving or
rejecting a playbook with a comment (role-gated like the API); the approvals inbox; triggers with
their condition validated by the service; attack simulations and model retraining; demo data."""

from __future__ import annotations

import pytest

from incidents.ml.models import TrainingJob
from incidents.response import demo
from incidents.response.models import (
    ActionExecution,
    ApprovalStatus,
    StepStatus,
    Trigger,
    Workflow,
    WorkflowStatus,
)
from incidents.response.services.workflows import workflow_create
from incidents.signals import incident_saved
from incidents.simulation.models import AttackSimulation
from incidents.threats.models import Incident, Threat
from organizations.models import AuditEvent, Role
from tests.factories import MembershipFactory
from tests.incidents.response.conftest import enroll_agent, make_incident
from tests.web.conftest import browser_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def playbook_for(organization, incident, committed) -> Workflow:
    """The playbook detection generates for the incident's threat (block_ip: it needs approval)."""
    committed(
        lambda: incident_saved.send(
            sender=Incident, organization=organization, incident=incident, created=True
        )
    )
    return Workflow.objects.for_organization(organization).get(incident=incident)


def as_role(organization, role):
    return browser_for(MembershipFactory(organization=organization, role=role))


# The incident page's response sections ------------------------------------------------------------


def test_incident_page_loads_its_response_sections(browser_a, org_a):
    incident = make_incident(org_a)
    page = browser_a.get(f"/soc/incidents/{incident.human_id}").content.decode()
    assert f'hx-get="/soc/incidents/{incident.human_id}/response"' in page
    assert 'hx-trigger="load"' in page
    # Without htmx, the link opens the sections on a page of their own, inside the shell.
    alone = browser_a.get(f"/soc/incidents/{incident.human_id}/response").content.decode()
    assert 'aria-label="Main"' in alone
    assert "Attack path" in alone


def test_response_sections_show_attack_path_and_a_pending_playbook_with_its_form(browser_a, org_a, committed):
    incident = make_incident(org_a)
    playbook = playbook_for(org_a, incident, committed)
    html = browser_a.get(f"/soc/incidents/{incident.human_id}/response", **HTMX).content.decode()
    # Attack path: source -> tactic/technique -> target, from the incident's threats.
    assert 'data-testid="attack-path"' in html
    assert "203.0.113.9" in html
    assert "Credential Access" in html
    assert "T1110.001" in html
    # The generated playbook, its steps and the approval form (admin may approve).
    assert f'data-playbook="{playbook.human_id}"' in html
    assert "Waiting for approval" in html
    assert 'data-step="1"' in html
    assert "block_ip" in html
    assert f'hx-post="/soc/playbooks/{playbook.human_id}/decide"' in html
    assert 'value="approve"' in html
    assert 'value="reject"' in html
    assert f'<label for="comment-{playbook.human_id}">' in html
    # No action ran yet: the empty state says what to do.
    assert "No action has run for this incident" in html


def test_editors_see_the_playbook_but_no_approval_form(org_a, committed):
    incident = make_incident(org_a)
    playbook_for(org_a, incident, committed)
    html = as_role(org_a, Role.EDITOR).get(f"/soc/incidents/{incident.human_id}/response").content.decode()
    assert "Waiting for approval" in html
    assert "/decide" not in html
    assert "Waiting for a manager or an admin" in html


def test_approving_with_a_comment_starts_the_run_and_shows_the_agent_command(org_a, admin_a, committed):
    agent = enroll_agent(org_a, hostname="web-01")
    incident = make_incident(org_a)
    playbook = playbook_for(org_a, incident, committed)
    manager = as_role(org_a, Role.MANAGER)
    response = committed(
        lambda: manager.post(
            f"/soc/playbooks/{playbook.human_id}/decide",
            {"decision": "approve", "comment": "Block it, confirmed brute force"},
            **HTMX,
        )
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "playbook-decided"  # the incident page reloads its sections
    playbook.refresh_from_db()
    assert playbook.approval_status == ApprovalStatus.APPROVED
    assert playbook.status == WorkflowStatus.EXECUTING
    assert playbook.approval_comment == "Block it, confirmed brute force"
    html = response.content.decode()
    assert 'data-testid="approval-status">Approval: Approved' in html
    assert "Block it, confirmed brute force" in html
    assert 'hx-trigger="every 3s"' in html  # it refreshes itself while it runs
    assert "/decide" not in html  # decided: no form any more
    # The first step is an agent command queued for the enrolled agent.
    command = ActionExecution.objects.for_organization(org_a).get(step__workflow=playbook)
    assert command.agent_id == agent.agent.pk
    assert command.status == "queued"
    polled = manager.get(f"/soc/playbooks/{playbook.human_id}", **HTMX).content.decode()
    assert 'data-status="executing"' in polled
    assert "web-01" in polled
    assert "queued" in polled
    sections = browser_for(admin_a).get(f"/soc/incidents/{incident.human_id}/response").content.decode()
    assert "Queued for an agent" in sections
    assert AuditEvent.objects.for_organization(org_a).filter(action="response.playbook_approved").exists()


def test_rejecting_closes_the_playbook_and_cancels_its_steps(browser_a, org_a, committed):
    incident = make_incident(org_a)
    playbook = playbook_for(org_a, incident, committed)
    response = browser_a.post(
        f"/soc/playbooks/{playbook.human_id}/decide", {"decision": "reject", "comment": "False positive"}
    )
    assert response.status_code == 302
    playbook.refresh_from_db()
    assert playbook.status == WorkflowStatus.REJECTED
    assert set(playbook.steps.values_list("status", flat=True)) == {StepStatus.CANCELLED}
    page = browser_a.get(response["Location"]).content.decode()
    assert "PB-" in page
    assert "Rejected" in page
    assert "False positive" in page


def test_a_second_decision_is_refused_and_shown(browser_a, org_a, committed):
    incident = make_incident(org_a)
    playbook = playbook_for(org_a, incident, committed)
    browser_a.post(f"/soc/playbooks/{playbook.human_id}/decide", {"decision": "reject"}, **HTMX)
    response = browser_a.post(f"/soc/playbooks/{playbook.human_id}/decide", {"decision": "approve"}, **HTMX)
    assert response.status_code == 422  # htmx swaps 422: the panel shows the reason
    assert "not waiting for approval" in response.content.decode()
    playbook.refresh_from_db()
    assert playbook.status == WorkflowStatus.REJECTED


def test_only_managers_and_admins_decide(org_a, committed):
    incident = make_incident(org_a)
    playbook = playbook_for(org_a, incident, committed)
    for role in (Role.EDITOR, Role.VIEWER):
        response = as_role(org_a, role).post(
            f"/soc/playbooks/{playbook.human_id}/decide", {"decision": "approve"}
        )
        assert response.status_code == 403
    playbook.refresh_from_db()
    assert playbook.approval_status == ApprovalStatus.PENDING


def test_a_bad_decision_changes_nothing(browser_a, org_a, committed):
    incident = make_incident(org_a)
    playbook = playbook_for(org_a, incident, committed)
    response = browser_a.post(f"/soc/playbooks/{playbook.human_id}/decide", {"decision": "maybe"}, **HTMX)
    assert response.status_code == 422
    playbook.refresh_from_db()
    assert playbook.approval_status == ApprovalStatus.PENDING


def test_another_organizations_playbook_is_not_found(browser_a, org_b, committed):
    incident = make_incident(org_b)
    playbook = playbook_for(org_b, incident, committed)
    assert browser_a.get(f"/soc/playbooks/{playbook.human_id}").status_code == 404
    assert (
        browser_a.post(f"/soc/playbooks/{playbook.human_id}/decide", {"decision": "approve"}).status_code
        == 404
    )
    assert browser_a.get(f"/soc/incidents/{incident.human_id}/response").status_code == 404
    playbook.refresh_from_db()
    assert playbook.approval_status == ApprovalStatus.PENDING


def test_inbox_lists_pending_approvals_first(browser_a, org_a, admin_a, committed):
    done = workflow_create(
        organization=org_a,
        name="Notify only",
        steps=[{"action": "alert_admin", "params": {}}],
        actor=admin_a.user,
    )
    pending = playbook_for(org_a, make_incident(org_a), committed)
    html = browser_a.get("/soc/playbooks").content.decode()
    assert html.index(f'data-playbook="{pending.human_id}"') < html.index(f'data-playbook="{done.human_id}"')
    assert 'data-testid="pending-count">1 waiting for approval' in html
    only_ready = browser_a.get("/soc/playbooks?status=ready").content.decode()
    assert done.human_id in only_ready
    assert pending.human_id not in only_ready


def test_inbox_empty_state_says_where_playbooks_come_from(browser_a):
    html = browser_a.get("/soc/playbooks").content.decode()
    assert "No playbook yet" in html
    assert "/soc/triggers" in html


# AI analysis ---------------------------------------------------------------------------------------


def test_editors_run_the_ai_analysis_and_see_it(org_a):
    incident = make_incident(org_a)
    editor = as_role(org_a, Role.EDITOR)
    response = editor.post(f"/soc/incidents/{incident.human_id}/ai-analysis", **HTMX)
    assert response.status_code == 200
    incident.refresh_from_db()
    assert incident.ai_analysis["summary"]
    html = response.content.decode()
    assert incident.ai_analysis["summary"] in html
    assert "Refresh analysis" in html
    assert "Run this plan as a playbook" in html


def test_viewers_cannot_run_the_ai_analysis(org_a):
    incident = make_incident(org_a)
    viewer = as_role(org_a, Role.VIEWER)
    assert viewer.post(f"/soc/incidents/{incident.human_id}/ai-analysis").status_code == 403
    incident.refresh_from_db()
    assert not incident.ai_analysis
    sections = viewer.get(f"/soc/incidents/{incident.human_id}/response").content.decode()
    assert "An editor can run it" in sections
    assert "/ai-analysis" not in sections


def test_the_ai_plan_becomes_a_playbook(browser_a, org_a):
    incident = make_incident(org_a)
    browser_a.post(f"/soc/incidents/{incident.human_id}/ai-analysis")
    response = browser_a.post(f"/soc/incidents/{incident.human_id}/ai-plan")
    assert response.status_code == 302
    plan = Workflow.objects.for_organization(org_a).get(incident=incident, origin="ai")
    assert plan.steps.exists()


def test_an_ai_plan_without_analysis_shows_the_error(browser_a, org_a):
    incident = make_incident(org_a)
    response = browser_a.post(f"/soc/incidents/{incident.human_id}/ai-plan", follow=True)
    assert "has no AI recommendations" in response.content.decode()
    assert not Workflow.objects.for_organization(org_a).filter(incident=incident, origin="ai").exists()


# Triggers ------------------------------------------------------------------------------------------

VALID = {
    "name": "Block brute force",
    "description": "",
    "condition": '{"all": [{"field": "threat_type", "op": "eq", "value": "brute_force_attack"}]}',
    "steps": '[{"action": "block_ip", "params": {"ip": "{{incident.source_ip}}"}}]',
    "cooldown_seconds": "300",
    "max_fires_per_hour": "10",
    "priority": "100",
}


def test_create_a_trigger_then_list_it(browser_a, org_a):
    response = browser_a.post("/soc/triggers/new", VALID)
    assert response.status_code == 302
    trigger = Trigger.objects.for_organization(org_a).get(name="Block brute force")
    assert trigger.condition == {"all": [{"field": "threat_type", "op": "eq", "value": "brute_force_attack"}]}
    html = browser_a.get("/soc/triggers").content.decode()
    assert 'data-trigger="Block brute force"' in html
    assert "brute_force_attack" in html
    assert "block_ip" in html
    assert f"/soc/triggers/{trigger.pk}/disable" in html


def test_an_invalid_condition_is_shown_on_its_field_and_nothing_is_saved(browser_a, org_a):
    bad = {**VALID, "condition": '{"all": [{"field": "severity", "op": "contains", "value": 3}]}'}
    response = browser_a.post("/soc/triggers/new", bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "condition.all[0]" in html
    assert 'class="field invalid"' in html
    assert not Trigger.objects.for_organization(org_a).exists()


def test_invalid_json_and_unknown_actions_are_shown_inline(browser_a, org_a):
    response = browser_a.post("/soc/triggers/new", {**VALID, "condition": "{not json"})
    assert response.status_code == 400
    assert "Not valid JSON" in response.content.decode()
    response = browser_a.post("/soc/triggers/new", {**VALID, "steps": '[{"action": "launch_missiles"}]'})
    assert response.status_code == 400
    assert "launch_missiles" in response.content.decode()
    assert not Trigger.objects.for_organization(org_a).exists()


def test_edit_disable_and_enable_a_trigger(browser_a, org_a):
    browser_a.post("/soc/triggers/new", VALID)
    trigger = Trigger.objects.for_organization(org_a).get()
    form = browser_a.get(f"/soc/triggers/{trigger.pk}").content.decode()
    assert "brute_force_attack" in form
    assert "Save trigger" in form
    browser_a.post(f"/soc/triggers/{trigger.pk}", {**VALID, "priority": "5"})
    trigger.refresh_from_db()
    assert trigger.priority == 5
    browser_a.post(f"/soc/triggers/{trigger.pk}/disable")
    trigger.refresh_from_db()
    assert trigger.status == "paused"
    assert f"/soc/triggers/{trigger.pk}/enable" in browser_a.get("/soc/triggers").content.decode()
    browser_a.post(f"/soc/triggers/{trigger.pk}/enable")
    trigger.refresh_from_db()
    assert trigger.status == "active"


def test_simulate_shows_what_would_have_fired_and_runs_nothing(browser_a, org_a):
    matching = make_incident(org_a, source_ip="203.0.113.20")
    other = make_incident(org_a, source_ip="203.0.113.21", threat_type="port_scan")
    browser_a.post("/soc/triggers/new", VALID)
    trigger = Trigger.objects.for_organization(org_a).get()
    response = browser_a.post(f"/soc/triggers/{trigger.pk}/simulate", {"days": "7"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 incidents evaluated, 1 matched" in html
    assert "1 would have fired" in html
    assert matching.human_id in html
    assert other.human_id not in html
    assert not Workflow.objects.for_organization(org_a).exists()
    trigger.refresh_from_db()
    assert trigger.fire_count == 0


def test_only_managers_change_triggers(org_a):
    editor = as_role(org_a, Role.EDITOR)
    assert editor.get("/soc/triggers").status_code == 200
    assert editor.post("/soc/triggers/new", VALID).status_code == 403
    assert not Trigger.objects.for_organization(org_a).exists()
    assert "Managers can change it" not in editor.get("/soc/triggers").content.decode()  # none listed yet


def test_another_organizations_trigger_is_not_found(browser_a, browser_b, org_b):
    browser_b.post("/soc/triggers/new", VALID)
    trigger = Trigger.objects.for_organization(org_b).get()
    assert browser_a.get(f"/soc/triggers/{trigger.pk}").status_code == 404
    assert browser_a.post(f"/soc/triggers/{trigger.pk}/disable").status_code == 404
    assert browser_a.post(f"/soc/triggers/{trigger.pk}/simulate", {"days": "7"}).status_code == 404
    trigger.refresh_from_db()
    assert trigger.status == "active"


# Attack simulation and model retraining ------------------------------------------------------------


def test_run_a_simulation_and_follow_its_progress(browser_a, org_a, committed):
    response = committed(
        lambda: browser_a.post(
            "/soc/simulations", {"attack_type": "brute_force", "target": "auth_server", "intensity": "low"}
        )
    )
    assert response.status_code == 302
    simulation = AttackSimulation.objects.for_organization(org_a).get()
    assert simulation.status == "completed"
    row = browser_a.get(f"/soc/simulations/{simulation.human_id}/progress", **HTMX).content.decode()
    assert 'data-status="completed"' in row
    assert 'value="100"' in row
    assert "hx-trigger" not in row  # finished: it stops polling
    assert simulation.finding in browser_a.get("/soc/simulations").content.decode()


def test_a_queued_simulation_polls_its_progress(browser_a, org_a):
    browser_a.post("/soc/simulations", {"attack_type": "port_scan", "target": "web01", "intensity": "low"})
    simulation = AttackSimulation.objects.for_organization(org_a).get()  # on_commit not run: still queued
    row = browser_a.get(f"/soc/simulations/{simulation.human_id}/progress").content.decode()
    assert 'data-status="queued"' in row
    assert 'hx-trigger="every 3s"' in row
    assert 'value="0"' in row


def test_a_bad_simulation_request_is_shown_and_starts_nothing(browser_a, org_a):
    response = browser_a.post(
        "/soc/simulations", {"attack_type": "nuke", "target": "a b", "intensity": "low"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert "Letters, digits" in html
    assert not AttackSimulation.objects.for_organization(org_a).exists()


def test_viewers_cannot_run_simulations(org_a):
    viewer = as_role(org_a, Role.VIEWER)
    page = viewer.get("/soc/simulations").content.decode()
    assert "needs the editor role" in page
    viewer.post("/soc/simulations", {"attack_type": "port_scan", "target": "web01", "intensity": "low"})
    assert not AttackSimulation.objects.for_organization(org_a).exists()


def test_managers_retrain_the_models_and_see_the_job(org_a, committed):
    manager = as_role(org_a, Role.MANAGER)
    response = committed(lambda: manager.post("/soc/models/retrain", **HTMX))
    assert response.status_code == 200
    assert 'data-testid="training-status">queued' in response.content.decode()
    assert 'hx-trigger="every 3s"' in response.content.decode()  # it follows the job
    job = TrainingJob.objects.for_organization(org_a).get()
    assert job.status in ("completed", "insufficient_data")
    card = manager.get("/soc/models", **HTMX).content.decode()
    assert f'data-testid="training-status">{job.status}' in card
    assert "hx-trigger" not in card
    assert as_role(org_a, Role.EDITOR).post("/soc/models/retrain").status_code == 403
    assert TrainingJob.objects.for_organization(org_a).count() == 1


# Demo data -----------------------------------------------------------------------------------------


def test_demo_loads_a_pending_and_an_executed_playbook_and_triggers_once(org_a, admin_a, committed):
    incident = make_incident(org_a)
    committed(lambda: demo.load(organization=org_a, admin=admin_a.user))
    committed(lambda: demo.load(organization=org_a, admin=admin_a.user))
    workflows = Workflow.objects.for_organization(org_a).filter(incident=incident)
    assert workflows.filter(status=WorkflowStatus.PENDING_APPROVAL).count() == 1
    executed = workflows.get(name__startswith="Demo: alert the admins")
    assert executed.status == WorkflowStatus.COMPLETED
    assert set(executed.steps.values_list("status", flat=True)) == {StepStatus.SUCCEEDED}
    assert Trigger.objects.for_organization(org_a).count() == 2


def test_the_threat_page_loads_its_playbook_with_the_approval_form(browser_a, org_a, org_b, committed):
    incident = make_incident(org_a)
    playbook = playbook_for(org_a, incident, committed)
    threat = playbook.threat
    page = browser_a.get(f"/soc/threats/{threat.human_id}").content.decode()
    assert f'hx-get="/soc/threats/{threat.human_id}/playbooks"' in page
    fragment = browser_a.get(f"/soc/threats/{threat.human_id}/playbooks", **HTMX).content.decode()
    assert f'data-playbook="{playbook.human_id}"' in fragment
    assert f"/soc/playbooks/{playbook.human_id}/decide" in fragment
    make_incident(org_b)
    other = make_incident(org_b)  # THR-...-0002: a number org A's threats do not have
    other_threat = playbook_for(org_b, other, committed).threat
    assert not Threat.objects.for_organization(org_a).filter(human_id=other_threat.human_id).exists()
    assert browser_a.get(f"/soc/threats/{other_threat.human_id}/playbooks").status_code == 404
