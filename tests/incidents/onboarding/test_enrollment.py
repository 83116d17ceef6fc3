"""Enrollment tokens, agent enrollment and heartbeats, verification, and the reference agent's executor."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.onboarding.management.commands.palisade_agent import execute
from incidents.onboarding.models import EnrolledAgent, EnrollmentToken
from tests.conftest import client_for
from tests.incidents.response.conftest import AgentClient

pytestmark = pytest.mark.django_db


def token(client):
    response = client.post("/api/v1/onboarding/generate-agent-token", {"label": "web"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["data"]


def enroll(api_client, raw, hostname="web-01"):
    return api_client.post(
        "/api/v1/agents/enroll",
        {"token": raw, "hostname": hostname, "os": "linux", "capabilities": ["block_ip"]},
        format="json",
    )


def test_a_token_enrolls_one_agent_once(client_a, org_a, api_client):
    minted = token(client_a)
    assert minted["token"].startswith("pal_enr_")
    assert minted["token"] not in str(
        EnrollmentToken.objects.for_organization(org_a).values()
    )  # only its hash

    first = enroll(api_client, minted["token"])
    assert first.status_code == 201, first.content
    data = first.json()["data"]
    assert data["secret"]
    assert data["device_id"]
    again = enroll(api_client, minted["token"], hostname="web-02")
    assert again.status_code == 401
    assert EnrolledAgent.objects.for_organization(org_a).count() == 1


def test_an_expired_or_unknown_token_is_refused(client_a, org_a, api_client):
    minted = token(client_a)
    EnrollmentToken.objects.for_organization(org_a).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert enroll(api_client, minted["token"]).status_code == 401
    assert enroll(api_client, "pal_enr_nonsense").status_code == 401


def test_heartbeat_then_verification_and_listing(client_a, org_a, api_client):
    data = enroll(api_client, token(client_a)["token"]).json()["data"]
    agent = EnrolledAgent.objects.for_organization(org_a).get(pk=data["agent_id"])
    verify = client_a.post(f"/api/v1/onboarding/verify-agent-access/{agent.pk}")
    assert verify.json()["data"]["verified"] is False
    assert "never sent a heartbeat" in verify.json()["data"]["reason"]

    signed = AgentClient(agent, data["secret"])
    beat = signed.post("/api/v1/agents/heartbeat", {"version": "1.0.0", "dry_run": True})
    assert beat.status_code == 200, beat.content
    assert beat.json()["data"]["commands_pending"] == 0

    assert (
        client_a.post(f"/api/v1/onboarding/verify-agent-access/{agent.pk}").json()["data"]["verified"] is True
    )
    everyone = client_a.post("/api/v1/onboarding/verify-all-agents").json()["data"]
    assert (everyone["total"], everyone["verified"]) == (1, 1)
    listed = client_a.get("/api/v1/onboarding/enrolled-agents").json()["data"]
    assert [(a["hostname"], a["online"], a["dry_run"]) for a in listed] == [("web-01", True, True)]


def test_a_badly_signed_heartbeat_is_refused(client_a, org_a, api_client):
    data = enroll(api_client, token(client_a)["token"]).json()["data"]
    agent = EnrolledAgent.objects.for_organization(org_a).get(pk=data["agent_id"])
    assert AgentClient(agent, "wrong-secret").post("/api/v1/agents/heartbeat", {}).status_code == 401


def test_only_admins_mint_tokens_and_other_orgs_see_nothing(org_a, viewer_a, client_a, client_b, api_client):
    assert (
        client_for(viewer_a).post("/api/v1/onboarding/generate-agent-token", {}, format="json").status_code
        == 403
    )
    data = enroll(api_client, token(client_a)["token"]).json()["data"]
    assert client_b.get("/api/v1/onboarding/enrolled-agents").json()["data"] == []
    assert client_b.post(f"/api/v1/onboarding/verify-agent-access/{data['agent_id']}").status_code == 404


def test_the_reference_agent_executes_in_dry_run_by_default():
    ok, output = execute({"action": "block_ip", "params": {"ip": "192.0.2.5"}}, dry_run=True)
    assert ok
    assert output == "dry-run: would run iptables -I INPUT -s 192.0.2.5 -j DROP"
    refused, why = execute({"action": "isolate_host", "params": {"host": "h"}}, dry_run=False)
    assert not refused
    assert "not supported" in why
