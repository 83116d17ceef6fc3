"""The action registry, direct execution, and the agent command queue."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from incidents.response.models import ActionExecution, Ticket
from incidents.response.services.executions import execution_expire_if_due
from realtime.models import Event
from tests.conftest import client_for
from tests.incidents.response.conftest import enroll_agent

pytestmark = pytest.mark.django_db

EXECUTE = "/api/v1/response/actions/execute"


def test_actions_are_listed_by_category_with_their_parameter_schema(client_a):
    response = client_a.get("/api/v1/response/actions")
    assert response.status_code == 200
    categories = {group["category"]: group["actions"] for group in response.json()["data"]}
    names = {action["name"] for actions in categories.values() for action in actions}
    assert {
        "block_ip",
        "unblock_ip",
        "isolate_host",
        "release_host",
        "reset_passwords",
        "disable_user",
        "forensic_dump",
        "alert_admin",
        "notify_webhook",
        "create_ticket",
    } <= names
    block = next(a for a in categories["containment"] if a["name"] == "block_ip")
    assert block["requires_approval"] is True
    assert "quarantine_ip" in block["aliases"]
    assert block["params_schema"]["required"] == ["ip"]


def test_agent_action_goes_through_the_queue_to_success(client_a, org_a, agent_a):
    response = client_a.post(
        EXECUTE, {"action": "quarantine_ip", "params": {"ip": "198.51.100.7"}}, format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert (data["action"], data["status"], data["agent_hostname"]) == ("block_ip", "queued", "web-01")

    commands = agent_a.commands()
    assert [c["id"] for c in commands] == [data["id"]]
    assert commands[0]["params"]["ip"] == "198.51.100.7"
    assert ActionExecution.objects.for_organization(org_a).get(pk=data["id"]).status == "sent"
    assert agent_a.commands() == []  # handed out once

    report = agent_a.report(data["id"], output="iptables -I INPUT -s 198.51.100.7 -j DROP")
    assert report.status_code == 200, report.content
    assert report.json()["data"]["status"] == "succeeded"
    assert agent_a.report(data["id"]).status_code == 409  # a second report changes nothing


def test_agent_action_without_a_capable_agent_fails_clearly(client_a, org_a):
    enroll_agent(org_a, hostname="stale", heartbeat=False)
    response = client_a.post(EXECUTE, {"action": "block_ip", "params": {"ip": "198.51.100.7"}}, format="json")
    data = response.json()["data"]
    assert data["status"] == "failed"
    assert "No enrolled agent" in data["error"]
    assert "block_ip" in data["error"]


def test_a_failed_report_fails_the_action(client_a, agent_a):
    created = client_a.post(EXECUTE, {"action": "isolate_host", "params": {"host": "web-01"}}, format="json")
    command = agent_a.commands()[0]
    assert command["id"] == created.json()["data"]["id"]
    result = agent_a.report(command["id"], success=False, output="nftables missing").json()["data"]
    assert (result["status"], result["error"]) == ("failed", "nftables missing")


def test_an_agent_cannot_report_another_agents_command(client_a, org_a, org_b, agent_a):
    other = enroll_agent(org_b, hostname="other")
    created = client_a.post(EXECUTE, {"action": "block_ip", "params": {"ip": "198.51.100.7"}}, format="json")
    assert other.report(created.json()["data"]["id"]).status_code == 404
    assert ActionExecution.objects.for_organization(org_a).get().status == "queued"


def test_an_unanswered_command_expires(client_a, org_a, agent_a):
    created = client_a.post(EXECUTE, {"action": "block_ip", "params": {"ip": "198.51.100.7"}}, format="json")
    execution = ActionExecution.objects.for_organization(org_a).get(pk=created.json()["data"]["id"])
    execution.expires_at = timezone.now() - timedelta(seconds=1)
    execution.save()
    execution_expire_if_due(organization_id=org_a.pk, execution_id=execution.pk)
    execution.refresh_from_db()
    assert execution.status == "expired"
    assert "did not report" in execution.error
    assert agent_a.commands() == []


def test_bad_params_are_a_400_and_change_nothing(client_a, org_a):
    response = client_a.post(EXECUTE, {"action": "block_ip", "params": {"ip": "not-an-ip"}}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert "ip" in response.json()["error"]["details"]["params"]
    unknown = client_a.post(EXECUTE, {"action": "launch_missiles"}, format="json")
    assert unknown.status_code == 400
    assert not ActionExecution.objects.for_organization(org_a).exists()


def test_alert_admin_emails_the_admins(client_a, admin_a, django_capture_on_commit_callbacks):
    response = client_a.post(EXECUTE, {"action": "alert_admin", "params": {"message": "look"}}, format="json")
    assert response.json()["data"]["status"] == "succeeded"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [admin_a.user.email]
    assert mail.outbox[0].body == "look"


def test_notify_webhook_publishes_a_response_notification(client_a, org_a):
    response = client_a.post(
        EXECUTE, {"action": "notify_webhook", "params": {"message": "hi"}}, format="json"
    )
    assert response.json()["data"]["status"] == "succeeded"
    event = Event.objects.for_organization(org_a).get(event_type="response_notification")
    assert event.payload["message"] == "hi"


def test_create_ticket_and_dry_run(client_a, org_a, agent_a):
    client_a.post(EXECUTE, {"action": "create_ticket", "params": {"title": "Rotate keys"}}, format="json")
    assert Ticket.objects.for_organization(org_a).get().title == "Rotate keys"
    dry = client_a.post(
        EXECUTE, {"action": "block_ip", "params": {"ip": "198.51.100.8"}, "dry_run": True}, format="json"
    ).json()["data"]
    assert dry["status"] == "succeeded"
    assert dry["result"]["dry_run"] is True
    assert dry["result"]["would"] == "block_ip 198.51.100.8"
    # The dry run shows the undo every containment gets, and when (the default TTL here).
    assert dry["result"]["undo"] == {"action": "unblock_ip", "after_seconds": 24 * 3600}
    assert agent_a.commands() == []  # nothing was sent


def test_viewers_cannot_execute(org_a, viewer_a):
    response = client_for(viewer_a).post(EXECUTE, {"action": "alert_admin"}, format="json")
    assert response.status_code == 403


def test_people_cannot_report_command_results(client_a, client_b, agent_a):
    created = client_a.post(EXECUTE, {"action": "block_ip", "params": {"ip": "198.51.100.7"}}, format="json")
    path = f"/api/v1/agents/commands/{created.json()['data']['id']}/result"
    assert client_a.post(path, {"success": True}, format="json").status_code == 403
    assert client_b.post(path, {"success": True}, format="json").status_code == 404
    assert client_a.post("/api/v1/agents/heartbeat", {}, format="json").status_code == 403
