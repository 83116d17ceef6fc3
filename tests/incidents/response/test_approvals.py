"""Approval outside the console: one-time signed links by email and webhook, expiry, second approver."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from incidents.response.models import ApprovalDecision, ApprovalLink, ResponseSettings, Workflow
from incidents.response.services.workflows import approval_expire
from organizations.models import Role
from realtime.models import Event
from tests.conftest import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

CREATE = "/api/v1/response/workflows/create"
BLOCK = [{"action": "block_ip", "params": {"ip": "203.0.113.9"}}, {"action": "create_ticket"}]


def create(client, committed, steps=BLOCK, **extra) -> Workflow:
    response = committed(
        lambda: client.post(CREATE, {"name": "respond", "steps": steps, **extra}, format="json")
    )
    assert response.status_code == 201, response.content
    return Workflow.objects.unscoped().get(pk=response.json()["data"]["id"])


def links_in(message) -> dict[str, str]:
    found = dict(re.findall(r"(Approve|Reject):\s+(\S+)", message.body))
    return {key.lower(): value.split("/api/v1", 1)[1] for key, value in found.items()}


def mail_for(email):
    return next(m for m in mail.outbox if m.to == [email] and "Approval needed" in m.subject)


@pytest.fixture
def manager(org_a):
    return MembershipFactory(organization=org_a, role=Role.MANAGER)


def test_approvers_get_their_own_links_by_email_and_in_the_webhook_event(
    client_a, admin_a, manager, viewer_a, org_a, committed
):
    workflow = create(client_a, committed)
    assert workflow.approval_status == "pending"
    recipients = sorted(m.to[0] for m in mail.outbox if "Approval needed" in m.subject)
    assert recipients == sorted([admin_a.user.email, manager.user.email])  # not the viewer
    body = mail_for(manager.user.email).body
    assert workflow.human_id in body
    assert "block_ip" in body
    event = Event.objects.for_organization(org_a).get(event_type="approval_required")
    by_approver = {row["approver"]: row for row in event.payload["approval_links"]}
    assert set(by_approver) == {admin_a.user.email, manager.user.email}
    assert by_approver[manager.user.email]["approve_url"].endswith(
        links_in(mail_for(manager.user.email))["approve"]
    )
    assert event.payload["required_approvals"] == 1


def test_get_describes_and_changes_nothing_post_decides_once(client_a, manager, org_a, committed, api_client):
    workflow = create(client_a, committed)
    links = links_in(mail_for(manager.user.email))

    shown = api_client.get(f"/api/v1{links['approve']}")
    assert shown.status_code == 200, shown.content
    data = shown.json()["data"]
    assert (data["decision"], data["approver"], data["usable"]) == ("approve", manager.user.email, True)
    assert [s["action"] for s in data["steps"]] == ["block_ip", "create_ticket"]
    page = api_client.get(f"/api/v1{links['approve']}", HTTP_ACCEPT="text/html")
    assert page["Content-Type"].startswith("text/html")
    assert b"Confirm: approve" in page.content
    workflow.refresh_from_db()
    assert workflow.approval_status == "pending"
    assert not ApprovalLink.objects.for_organization(org_a).filter(used_at__isnull=False).exists()

    done = committed(
        lambda: api_client.post(f"/api/v1{links['approve']}", {"comment": "ok by me"}, format="json")
    )
    assert done.status_code == 200, done.content
    assert done.json()["data"]["approved_by"] == manager.user.email
    workflow.refresh_from_db()
    assert (workflow.approval_status, workflow.status) == ("approved", "failed")  # no agent: the step fails
    assert (workflow.approved_by, workflow.approval_comment) == (manager.user, "ok by me")
    decision = ApprovalDecision.objects.for_organization(org_a).get(workflow=workflow)
    assert (decision.approver_email, decision.via, decision.comment) == (
        manager.user.email,
        "link",
        "ok by me",
    )

    again = api_client.post(f"/api/v1{links['approve']}", {}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["details"]["reason"] == "used"
    assert "already used" in again.json()["error"]["message"]
    # Answering spent the approver's other link too.
    assert (
        api_client.post(f"/api/v1{links['reject']}", {}, format="json").json()["error"]["details"]["reason"]
        == "used"
    )


def test_a_reject_link_rejects_with_the_comment(client_a, admin_a, manager, committed, api_client):
    workflow = create(client_a, committed)
    links = links_in(mail_for(manager.user.email))
    response = committed(
        lambda: api_client.post(f"/api/v1{links['reject']}", {"comment": "not now"}, format="json")
    )
    assert response.status_code == 200, response.content
    workflow.refresh_from_db()
    assert (workflow.status, workflow.approval_status, workflow.approval_comment) == (
        "rejected",
        "rejected",
        "not now",
    )
    assert list(workflow.steps.values_list("status", flat=True)) == ["cancelled", "cancelled"]
    # The other approver's links are refused now that it is decided.
    other = links_in(mail_for(admin_a.user.email))
    refused = api_client.post(f"/api/v1{other['approve']}", {}, format="json")
    assert (refused.status_code, refused.json()["error"]["details"]["reason"]) == (409, "decided")


def test_expiry_denies_by_default_and_expired_links_are_refused(client_a, manager, committed, api_client):
    workflow = create(client_a, committed)
    links = links_in(mail_for(manager.user.email))
    Workflow.objects.for_organization(workflow.organization).filter(pk=workflow.pk).update(
        approval_expires_at=timezone.now() - timedelta(seconds=1)
    )
    ApprovalLink.objects.for_organization(workflow.organization).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    refused = api_client.post(f"/api/v1{links['approve']}", {}, format="json")
    assert (refused.status_code, refused.json()["error"]["details"]["reason"]) == (409, "expired")

    approval_expire(organization_id=workflow.organization_id, workflow_id=workflow.pk)
    workflow.refresh_from_db()
    assert (workflow.status, workflow.approval_status) == ("rejected", "expired")
    shown = api_client.get(f"/api/v1{links['approve']}").json()["data"]
    assert shown["usable"] is False
    assert "expired" in shown["refusal"]


def test_a_tampered_link_is_not_found(client_a, manager, committed, api_client):
    create(client_a, committed)
    link = links_in(mail_for(manager.user.email))["approve"]
    assert api_client.get(f"/api/v1{link[:-2]}xx").status_code == 404
    assert api_client.post(f"/api/v1{link[:-2]}xx", {}, format="json").status_code == 404


def test_a_large_blast_radius_needs_a_second_different_approver(
    client_a, org_a, admin_a, manager, committed, api_client
):
    ResponseSettings.objects.create(organization=org_a, blast_radius_max_hosts=2)
    steps = [{"action": "isolate_host", "params": {"host": f"web-0{n}"}} for n in range(1, 4)]
    workflow = create(client_a, committed, steps=steps)
    assert (workflow.required_approvals, workflow.blast_radius) == (2, 3)

    approve = lambda client: committed(  # noqa: E731
        lambda: client.post(
            f"/api/v1/playbooks/{workflow.human_id}/approve", {"approved": True}, format="json"
        )
    )
    first = approve(client_for(manager))
    assert first.status_code == 200, first.content
    assert (first.json()["data"]["approval_status"], first.json()["data"]["approvals"]) == ("pending", 1)
    same = approve(client_for(manager))
    assert same.status_code == 409
    assert "second, different approver" in same.json()["error"]["message"]
    # The first approver's own link is no way around it either.
    assert (
        api_client.post(
            f"/api/v1{links_in(mail_for(manager.user.email))['approve']}", {}, format="json"
        ).status_code
        == 409
    )

    second = committed(
        lambda: api_client.post(
            f"/api/v1{links_in(mail_for(admin_a.user.email))['approve']}", {}, format="json"
        )
    )
    assert second.status_code == 200, second.content
    assert (second.json()["data"]["approval_status"], second.json()["data"]["approvals"]) == ("approved", 2)


def test_a_small_blast_radius_needs_one_approver(client_a, org_a, committed):
    workflow = create(client_a, committed, steps=[{"action": "isolate_host", "params": {"host": "web-01"}}])
    assert (workflow.required_approvals, workflow.blast_radius) == (1, 1)


def test_all_agents_fans_out_per_agent_and_needs_a_second_approver(client_a, org_a, committed):
    from tests.incidents.response.conftest import enroll_agent

    agents = [enroll_agent(org_a, hostname=f"web-0{n}") for n in (1, 2)]
    workflow = create(
        client_a,
        committed,
        steps=[{"action": "block_ip", "params": {"ip": "203.0.113.9", "all_agents": True}}],
    )
    steps = list(workflow.steps.order_by("order"))
    assert sorted(s.params["agent_id"] for s in steps) == sorted(str(a.agent.pk) for a in agents)
    assert (workflow.required_approvals, workflow.blast_radius) == (2, 2)
    # Outside a workflow all_agents is refused: it would skip the second approver.
    direct = client_a.post(
        "/api/v1/response/actions/execute",
        {"action": "block_ip", "params": {"ip": "203.0.113.9", "all_agents": True}},
        format="json",
    )
    assert direct.status_code == 400


def test_a_dry_run_workflow_shows_what_would_happen_without_approval(client_a, org_a, agent_a, committed):
    workflow = create(client_a, committed, steps=BLOCK, dry_run=True, execute=True)
    workflow.refresh_from_db()
    assert (workflow.approval_status, workflow.status) == ("not_required", "completed")
    assert workflow.steps.get(order=1).result == "Dry run: would block_ip 203.0.113.9"
    assert agent_a.commands() == []


def test_the_confirmation_pages_form_decides(client_a, manager, committed, api_client):
    workflow = create(client_a, committed)
    link = links_in(mail_for(manager.user.email))["reject"]
    page = committed(
        lambda: api_client.post(
            f"/api/v1{link}",
            "comment=phishing+test",
            content_type="application/x-www-form-urlencoded",
            HTTP_ACCEPT="text/html",
        )
    )
    assert page.status_code == 200
    assert b"is now <strong>rejected</strong>" in page.content
    workflow.refresh_from_db()
    assert (workflow.approval_status, workflow.approval_comment) == ("rejected", "phishing test")
    used = api_client.get(f"/api/v1{link}", HTTP_ACCEPT="text/html")
    assert used.status_code == 200  # the page explains the refusal; GET never acts
    assert b"already used" in used.content
