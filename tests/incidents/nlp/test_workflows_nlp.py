"""workflows/nlp/*: plans in plain words become workflows of registered response actions."""

import pytest

from incidents.nlp.workflows import plan_parse
from incidents.response.actions import action_registry
from tests.incidents.ml.data import make_incident

pytestmark = pytest.mark.django_db


def _actions(parsed):
    return [(s["action"], s["params"]) for s in parsed["steps"]]


def test_block_for_two_hours_and_notify_the_soc():
    parsed = plan_parse(
        plan="block the attacker IP for 2 hours and notify the SOC", context={"ip": "203.0.113.9"}
    )
    assert parsed["valid"] is True
    assert parsed["unmapped"] == []
    (block, block_params), (notify, notify_params) = _actions(parsed)
    assert block == "block_ip"
    assert block_params == {"ip": "203.0.113.9", "duration_seconds": 7200}
    assert notify == "alert_admin"
    assert "SOC" in notify_params["subject"].upper()
    assert parsed["requires_approval"] is action_registry()["block_ip"].requires_approval


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        ("isolate host web-01 for 1 day", [("isolate_host", {"host": "web-01", "duration_seconds": 86400})]),
        (
            "reset passwords for user alice then disable account bob",
            [("reset_passwords", {"users": ["alice"]}), ("disable_user", {"user": "bob"})],
        ),
        ("unblock 198.51.100.9", [("unblock_ip", {"ip": "198.51.100.9"})]),
        (
            "open a high priority ticket",
            [("create_ticket", {"title": "Response follow-up", "priority": "high"})],
        ),
        (
            "collect forensics from host db-02 for the last 6h",
            [("forensic_dump", {"timerange": "6h", "host": "db-02", "source": "auth_logs"})],
        ),
    ],
)
def test_phrases_map_onto_registered_actions(plan, expected):
    parsed = plan_parse(plan=plan, context={})
    assert _actions(parsed) == expected
    assert parsed["valid"]
    assert all(action in action_registry() for action, _ in expected)


def test_parts_it_cannot_map_are_listed_and_missing_parameters_flagged():
    parsed = plan_parse(plan="block the attacker IP, sacrifice a goat and notify the admins", context={})
    assert parsed["unmapped"] == ["sacrifice a goat"]
    block = parsed["steps"][0]
    assert block["action"] == "block_ip"
    assert block["valid"] is False
    assert "ip" in block["param_errors"]
    assert parsed["valid"] is False


def test_create_makes_a_workflow_from_an_incidents_attacker(client_a, client_b, org_a, viewer_client):
    incident = make_incident(org_a, source_ip="192.0.2.77")
    body = {"plan": "block the attacker IP for 2 hours and notify the SOC", "incident_id": str(incident.pk)}
    assert viewer_client.post("/api/v1/workflows/nlp/create", body, format="json").status_code == 403
    assert client_b.post("/api/v1/workflows/nlp/create", body, format="json").status_code == 404
    response = client_a.post("/api/v1/workflows/nlp/create", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()["data"]
    assert created["workflow"]["human_id"].startswith("PB-")
    assert created["parse"]["steps"][0]["params"]["ip"] == "192.0.2.77"
    from incidents.response.models import Workflow

    workflow = Workflow.objects.for_organization(org_a).get(pk=created["workflow"]["id"])
    assert [s.action for s in workflow.steps.order_by("order")] == ["block_ip", "alert_admin"]


def test_an_incomplete_plan_is_refused_unless_partial_is_allowed(client_a, org_a):
    plan = {"plan": "block 192.0.2.1 and sacrifice a goat"}
    refused = client_a.post("/api/v1/workflows/nlp/create", plan, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["details"]["unmapped"] == ["sacrifice a goat"]
    from incidents.response.models import Workflow

    assert not Workflow.objects.for_organization(org_a).exists()
    partial = client_a.post("/api/v1/workflows/nlp/create", {**plan, "allow_partial": True}, format="json")
    assert partial.status_code == 201
    assert partial.json()["data"]["workflow"]["skipped_recommendations"] == ["sacrifice a goat"]


def test_examples_and_capabilities(client_a):
    examples = client_a.get("/api/v1/workflows/nlp/examples").json()["data"]
    assert examples
    assert all(e["parse"]["steps"] for e in examples)
    capabilities = client_a.get("/api/v1/workflows/nlp/capabilities").json()["data"]
    names = {a["action"] for a in capabilities["actions"]}
    assert {"block_ip", "isolate_host", "alert_admin"} <= names <= set(action_registry())
