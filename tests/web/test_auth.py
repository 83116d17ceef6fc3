"""Session sign-up, sign-in, recovery, invitations and the organization switcher."""

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from accounts.services.invites import invite_create
from accounts.services.passwords import recovery_profile_create
from metrics.models import Catalog
from organizations.models import Membership, Role
from tests.factories import PASSWORD, MembershipFactory
from tests.web.conftest import browser_for

pytestmark = pytest.mark.django_db
STRONG = "Another-long-passphrase-7"


def test_sign_up_creates_the_organization_with_its_default_catalog_and_signs_in(client):
    response = client.post(
        "/register",
        {"email": "Ada@Example.com", "password": STRONG, "full_name": "Ada", "organization_name": "Acme"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/posture"
    membership = Membership.objects.unscoped().get(user__email="ada@example.com")
    assert (membership.organization.name, membership.role) == ("Acme", Role.ADMIN)
    assert Catalog.objects.for_organization(membership.organization).filter(is_active=True).exists()
    page = client.get("/posture")
    assert page.status_code == 200
    assert "CSF 2.0" in page.content.decode() or "csf" in page.content.decode().lower()
    assert "metrics in" in page.content.decode()


def test_sign_up_refuses_a_weak_password_and_creates_nothing(client):
    response = client.post("/register", {"email": "weak@example.com", "password": "12345"})
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="weak@example.com").exists()


def test_forms_are_csrf_protected():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/register", {"email": "x@example.com", "password": STRONG})
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.com").exists()


def test_sign_in_and_out(admin_a):
    browser = Client()
    wrong = browser.post("/login", {"login": admin_a.user.email, "password": "nope"})
    assert wrong.status_code == 400
    assert "wrong" in wrong.content.decode()
    assert browser.get("/posture").status_code == 302
    right = browser.post("/login", {"login": admin_a.user.email, "password": PASSWORD, "next": "/soc/feed"})
    assert right.status_code == 302
    assert right["Location"] == "/soc/feed"
    assert browser.get("/soc/feed").status_code == 200
    browser.post("/logout")
    assert browser.get("/soc/feed").status_code == 302


def test_sign_in_never_redirects_off_site(admin_a):
    response = Client().post(
        "/login", {"login": admin_a.user.email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/posture"


def test_invitation_link_signs_up_into_the_inviting_organization(org_a, admin_a):
    _invite, token = invite_create(
        organization=org_a, email="new@example.com", role=Role.EDITOR, actor=admin_a.user
    )
    browser = Client()
    page = browser.get(f"/register?invite={token}")
    assert "Join Org A" in page.content.decode()
    response = browser.post(
        "/register", {"email": "new@example.com", "password": STRONG, "invite_token": token}
    )
    assert response.status_code == 302
    membership = Membership.objects.for_organization(org_a).get(user__email="new@example.com")
    assert membership.role == Role.EDITOR
    assert Membership.objects.unscoped().filter(user__email="new@example.com").count() == 1  # no new org


def test_a_signed_in_person_accepts_an_invitation(org_a, admin_a, admin_b):
    _invite, token = invite_create(
        organization=org_a, email=admin_b.user.email, role=Role.VIEWER, actor=admin_a.user
    )
    browser = browser_for(admin_b)
    assert "join <strong>Org A</strong>" in browser.get(f"/invites/accept?invite={token}").content.decode()
    response = browser.post("/invites/accept", {"invite": token})
    assert response.status_code == 302
    assert Membership.objects.for_organization(org_a).get(user=admin_b.user).role == Role.VIEWER
    again = browser.post("/invites/accept", {"invite": token})
    assert again.status_code == 400  # spent


def test_organization_switcher_only_switches_to_own_organizations(admin_a, org_b):
    other = MembershipFactory(organization=org_b, user=admin_a.user, role=Role.VIEWER)
    browser = browser_for(admin_a)
    assert "Org B" in browser.get("/soc/threats").content.decode()  # listed in the switcher
    browser.post("/organization/switch", {"organization": str(other.organization_id), "next": "/soc/threats"})
    assert browser.session["palisade_organization"] == str(org_b.pk)
    # viewer in Org B now: the admin-only audit log is refused
    assert browser.get("/organization/audit").status_code == 403


def test_switching_to_a_foreign_organization_is_refused(admin_a, org_b):
    browser = browser_for(admin_a)
    browser.post("/organization/switch", {"organization": str(org_b.pk)})
    assert browser.session["palisade_organization"] == str(admin_a.organization_id)


def test_recovery_with_the_key_sets_the_password_and_shows_a_new_key(admin_a):
    key = recovery_profile_create(
        user=admin_a.user,
        question_1="Q1?",
        answer_1="one",
        question_2="Q2?",
        answer_2="two",
    )
    browser = Client()
    wrong = browser.post(
        "/recover",
        {"method": "key", "email": admin_a.user.email, "recovery_key": "AAAA", "new_password": STRONG},
    )
    assert wrong.status_code == 400
    response = browser.post(
        "/recover",
        {"method": "key", "email": admin_a.user.email, "recovery_key": key, "new_password": STRONG},
    )
    assert response.status_code == 200
    assert "new one-time recovery key" in response.content.decode()
    admin_a.user.refresh_from_db()
    assert admin_a.user.check_password(STRONG)


def test_recovery_with_security_questions(admin_a):
    recovery_profile_create(
        user=admin_a.user,
        question_1="First pet?",
        answer_1="Rex",
        question_2="Home town?",
        answer_2="Lyon",
    )
    browser = Client()
    assert "First pet?" in browser.get(f"/recover?email={admin_a.user.email}").content.decode()
    response = browser.post(
        "/recover",
        {
            "method": "questions",
            "email": admin_a.user.email,
            "answer_1": "rex",
            "answer_2": "lyon",
            "new_password": STRONG,
        },
    )
    assert response.status_code == 302
    admin_a.user.refresh_from_db()
    assert admin_a.user.check_password(STRONG)
    assert len(mail.outbox) == 0
