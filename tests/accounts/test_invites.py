"""Invitations: admin sends, the invitee registers (or accepts with an existing account)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import Invite, User
from organizations.models import AuditAction, AuditEvent, Membership
from tests.accounts.conftest import STRONG, login, register
from tests.conftest import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def invite(client, email="newbie@example.com", role="editor"):
    return client.post("/api/v1/auth/invite", {"email": email, "role": role}, format="json")


@pytest.fixture
def sent(client_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the email leaves once the invite is committed
        response = invite(client_a)
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def test_invite_emails_a_single_use_link(sent, admin_a):
    assert sent["status"] == "pending"
    assert sent["role"] == "editor"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newbie@example.com"]
    assert sent["token"] in message.body
    assert admin_a.organization.name in message.subject
    stored = Invite.objects.unscoped().get(pk=sent["id"])
    assert sent["token"] not in stored.token_digest
    assert (
        AuditEvent.objects.for_organization(admin_a.organization)
        .filter(action=AuditAction.INVITE_SENT)
        .exists()
    )


def test_registering_with_the_invite_joins_with_the_role(sent, admin_a):
    response = register(email="newbie@example.com", invite_token=sent["token"])
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["organization"]["id"] == str(admin_a.organization_id)
    assert data["user"]["role"] == "editor"
    assert data["user"]["is_verified"] is True
    assert Membership.objects.unscoped().filter(user__email="newbie@example.com").count() == 1


def test_an_invite_works_once(sent):
    assert register(email="newbie@example.com", invite_token=sent["token"]).status_code == 201
    again = register(
        email="newbie@example.com", invite_token=sent["token"], password="Another-Strong-Secret-9"
    )
    assert again.status_code in (400, 409)


def test_a_used_invite_says_so(sent, admin_a):
    user = MembershipFactory(
        organization=MembershipFactory().organization, user__email="newbie@example.com"
    ).user
    bearer_client = client_for(Membership.objects.unscoped().get(user=user))
    assert (
        bearer_client.post("/api/v1/auth/invites/accept", {"token": sent["token"]}, format="json").status_code
        == 200
    )
    response = register(email="someone@example.com", invite_token=sent["token"])
    assert response.status_code == 400
    assert response.json()["error"]["details"]["status"] == "accepted"


def test_an_expired_invite_is_refused(sent):
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = register(email="newbie@example.com", invite_token=sent["token"])
    assert response.status_code == 400
    assert response.json()["error"]["details"]["status"] == "expired"
    assert not User.objects.filter(email="newbie@example.com").exists()


def test_a_revoked_invite_is_refused(sent, client_a):
    assert client_a.delete(f"/api/v1/auth/invites/{sent['id']}").status_code == 204
    response = register(email="newbie@example.com", invite_token=sent["token"])
    assert response.status_code == 400
    assert response.json()["error"]["details"]["status"] == "revoked"


def test_inviting_again_replaces_the_pending_invite(sent, client_a):
    second = invite(client_a).json()["data"]
    assert register(email="newbie@example.com", invite_token=sent["token"]).status_code == 400
    assert register(email="newbie@example.com", invite_token=second["token"]).status_code == 201


def test_the_invite_is_for_its_email_only(sent):
    response = register(email="intruder@example.com", invite_token=sent["token"])
    assert response.status_code == 400
    assert not User.objects.filter(email="intruder@example.com").exists()


def test_existing_account_accepts_with_its_session(sent, admin_a, admin_b):
    client = client_for(admin_b)
    other = invite(client_for(admin_a), email=admin_b.user.email, role="viewer").json()["data"]
    response = client.post("/api/v1/auth/invites/accept", {"token": other["token"]}, format="json")
    assert response.status_code == 200
    assert response.json()["data"]["organization"]["id"] == str(admin_a.organization_id)
    assert response.json()["data"]["user"]["role"] == "viewer"


def test_inviting_a_member_is_a_conflict(client_a, viewer_a):
    assert invite(client_a, email=viewer_a.user.email).status_code == 409


def test_unknown_role_is_refused(client_a):
    response = invite(client_a, role="overlord")
    assert response.status_code == 400
    assert Invite.objects.unscoped().count() == 0


def test_viewers_cannot_invite_or_list(viewer_a):
    client = client_for(viewer_a)
    assert invite(client).status_code == 403
    assert client.get("/api/v1/auth/invites").status_code == 403
    assert len(mail.outbox) == 0


def test_invites_of_another_organization_are_404(sent, client_b):
    assert client_b.get(f"/api/v1/auth/invites/{sent['id']}").status_code == 404
    assert client_b.delete(f"/api/v1/auth/invites/{sent['id']}").status_code == 404
    assert client_b.get("/api/v1/auth/invites").json()["data"] == []


def test_admin_created_account_is_claimed_through_its_invite(
    client_a, admin_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            "/api/v1/users", {"email": "pat@example.com", "name": "Pat", "role": "developer"}, format="json"
        )
    assert response.status_code == 201, response.json()
    assert response.json()["data"]["role"] == "editor"
    token = Invite.objects.for_organization(admin_a.organization).get(email="pat@example.com")
    assert token
    assert len(mail.outbox) == 1
    raw = mail.outbox[0].body.split("Invitation token: ")[1].strip()
    assert login("pat@example.com").status_code == 401  # no password yet
    claimed = register(email="pat@example.com", invite_token=raw)
    assert claimed.status_code == 201, claimed.json()
    assert claimed.json()["data"]["user"]["role"] == "editor"
    assert login("pat@example.com", STRONG).status_code == 200
