"""Triggers: validated conditions, simulate vs fire, cooldown, rate limits, bulk operations."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.response.models import Trigger, TriggerFiring, Workflow
from incidents.response.services.triggers import triggers_evaluate
from tests.incidents.response.conftest import make_incident

pytestmark = pytest.mark.django_db

HIGH_SSH = {
    "all": [
        {"field": "severity", "op": "gte", "value": "high"},
        {"field": "mitre_technique", "op": "prefix", "value": "T1110"},
    ]
}
STEPS = [{"action": "create_ticket", "params": {"title": "Brute force from {{incident.source_ip}}"}}]


def create(client, **overrides):
    body = {"name": "SSH brute force", "condition": HIGH_SSH, "steps": STEPS, "cooldown_seconds": 0}
    body.update(overrides)
    return client.post("/api/v1/triggers", body, format="json")


def test_an_invalid_condition_is_rejected_with_a_precise_error(client_a, org_a):
    bad = {
        "all": [
            {"field": "severity", "op": "gte", "value": "high"},
            {"field": "risk_score", "op": "gtt", "value": 5},
        ]
    }
    response = create(client_a, condition=bad)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["condition"]["path"] == "condition.all[1].op"
    assert "unknown operator 'gtt'" in error["message"]
    wrong_value = create(client_a, condition={"field": "severity", "op": "eq", "value": "urgent"})
    assert wrong_value.json()["error"]["details"]["condition"]["path"] == "condition.value"
    bad_steps = create(client_a, steps=[{"action": "block_ip", "params": {}}])
    assert bad_steps.status_code == 400
    assert not Trigger.objects.for_organization(org_a).exists()


def test_simulate_reports_what_would_fire_without_acting(client_a, org_a):
    make_incident(org_a, source_ip="192.0.2.1", severity="high")
    make_incident(org_a, source_ip="192.0.2.2", severity="low")
    make_incident(org_a, source_ip="192.0.2.3", severity="critical", mitre_techniques=["T1190"])
    trigger = create(client_a).json()["data"]
    response = client_a.post(f"/api/v1/triggers/{trigger['id']}/simulate", {"days": 1}, format="json")
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert (data["evaluated"], data["matched"], data["would_fire"]) == (3, 1, 1)
    assert [r["outcome"] for r in data["results"] if r["matched"]] == ["would_fire"]
    assert not Workflow.objects.for_organization(org_a).exists()
    assert not TriggerFiring.objects.for_organization(org_a).exists()


def test_a_matching_incident_fires_the_trigger_once(client_a, org_a):
    trigger = create(client_a).json()["data"]
    incident = make_incident(org_a, source_ip="192.0.2.9")
    assert [f.outcome for f in triggers_evaluate(incident=incident)] == ["fired"]
    assert triggers_evaluate(incident=incident) == []  # an update of the same incident does not fire again
    workflow = Workflow.objects.for_organization(org_a).get(origin="trigger")
    assert workflow.steps.get().params == {"title": "Brute force from 192.0.2.9", "priority": "medium"}
    detail = client_a.get(f"/api/v1/triggers/{trigger['id']}").json()["data"]
    assert detail["fire_count"] == 1
    assert detail["evaluation_count"] == 1
    assert triggers_evaluate(incident=make_incident(org_a, severity="low")) == []


def test_cooldown_suppresses_a_second_firing_and_simulate_shows_it(client_a, org_a):
    trigger = create(client_a, cooldown_seconds=600).json()["data"]
    first = make_incident(org_a, source_ip="192.0.2.10", last_seen_at=timezone.now() - timedelta(minutes=3))
    second = make_incident(org_a, source_ip="192.0.2.11")
    assert [f.outcome for f in triggers_evaluate(incident=first)] == ["fired"]
    suppressed = triggers_evaluate(incident=second)
    assert [f.outcome for f in suppressed] == ["cooldown"]
    assert Workflow.objects.for_organization(org_a).count() == 1
    simulated = client_a.post(f"/api/v1/triggers/{trigger['id']}/simulate", {}, format="json").json()["data"]
    assert [r["outcome"] for r in simulated["results"]] == ["would_fire", "cooldown"]


def test_rate_limit_per_hour(client_a, org_a):
    create(client_a, max_fires_per_hour=1)
    outcomes = [
        triggers_evaluate(incident=make_incident(org_a, source_ip=f"192.0.2.{n}"))[0].outcome
        for n in (20, 21)
    ]
    assert outcomes == ["fired", "rate_limited"]


def test_auto_execute_runs_at_once_but_never_bypasses_approval(
    client_a, org_a, django_capture_on_commit_callbacks
):
    create(client_a, name="ticket", auto_execute=True)
    create(
        client_a,
        name="block",
        auto_execute=True,
        steps=[{"action": "block_ip", "params": {"ip": "{{incident.source_ip}}"}}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        triggers_evaluate(incident=make_incident(org_a))
    statuses = dict(Workflow.objects.for_organization(org_a).values_list("name", "status"))
    assert statuses[next(n for n in statuses if n.startswith("ticket"))] == "completed"
    assert statuses[next(n for n in statuses if n.startswith("block"))] == "pending_approval"


def test_enable_disable_settings_bulk_and_summary(client_a, org_a):
    one = create(client_a).json()["data"]
    two = create(client_a, name="two").json()["data"]
    assert client_a.post(f"/api/v1/triggers/{one['id']}/disable").json()["data"]["status"] == "paused"
    assert (
        triggers_evaluate(incident=make_incident(org_a))[0].trigger_id
        == Trigger.objects.for_organization(org_a).get(name="two").pk
    )
    assert client_a.post(f"/api/v1/triggers/{one['id']}/enable").json()["data"]["status"] == "active"
    patched = client_a.patch(
        f"/api/v1/triggers/{one['id']}/settings", {"cooldown_seconds": 60}, format="json"
    )
    assert patched.json()["data"]["cooldown_seconds"] == 60
    bulk = client_a.post("/api/v1/triggers/bulk/archive", {"ids": [one["id"], two["id"]]}, format="json")
    assert bulk.json()["data"] == {"changed": 2, "status": "archived"}
    summary = client_a.get("/api/v1/triggers/stats/summary").json()["data"]
    assert (summary["total"], summary["archived"], summary["fires_total"]) == (2, 2, 1)
    assert summary["last_24h"]["fired"] == 1
    replaced = client_a.put(
        f"/api/v1/triggers/{one['id']}",
        {"name": "renamed", "condition": {"field": "risk_score", "op": "gte", "value": 90}, "steps": STEPS},
        format="json",
    )
    assert replaced.status_code == 200
    assert replaced.json()["data"]["name"] == "renamed"
    assert client_a.delete(f"/api/v1/triggers/{one['id']}").status_code == 204


def test_count_condition_over_a_window(client_a, org_a):
    create(client_a, condition={"count": {"window_seconds": 3600, "min": 2}})
    first = make_incident(org_a, source_ip="192.0.2.30")
    assert triggers_evaluate(incident=first) == []
    second = make_incident(org_a, source_ip="192.0.2.30")
    assert [f.outcome for f in triggers_evaluate(incident=second)] == ["fired"]


def test_editors_read_but_cannot_write_triggers(editor_client, client_b, client_a):
    trigger = create(client_a).json()["data"]
    assert editor_client.get("/api/v1/triggers").status_code == 200
    assert create(editor_client, name="x").status_code == 403
    assert client_b.get(f"/api/v1/triggers/{trigger['id']}").status_code == 404
