"""Registration, sign-in, tokens and sign-out as a client sees them."""

import re

import pytest
from django.test import override_settings

from accounts.models import User
from organizations.models import AuditAction, AuditEvent, Membership, Organization, Role
from tests.accounts.conftest import STRONG, bearer, login, register
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def audit_actions(organization_id=None) -> list[str]:
    events = AuditEvent.objects.unscoped()
    if organization_id:
        events = events.filter(organization_id=organization_id)
    return list(events.order_by("created_at").values_list("action", flat=True))


class TestStatusAndRegister:
    def test_status_flips_once_someone_registers(self, api_client):
        before = api_client.get("/api/v1/auth/status").json()["data"]
        assert before["has_users"] is False
        register()
        assert api_client.get("/api/v1/auth/status").json()["data"]["has_users"] is True

    def test_first_user_sets_questions_and_gets_a_recovery_key_once(self):
        response = register(
            security_question_1="First pet?",
            security_answer_1="Fluffy",
            security_question_2="Born where?",
            security_answer_2="New York",
        )
        assert response.status_code == 201, response.json()
        data = response.json()["data"]
        assert re.fullmatch(r"([A-Z0-9]{4}-){5}[A-Z0-9]{4}", data["recovery_key"])
        profile = User.objects.get(email="ada@example.com").recovery
        assert data["recovery_key"] not in profile.recovery_key_hash
        assert "fluffy" not in profile.answer_1_hash.lower()

    def test_later_users_cannot_set_security_questions(self, registered):
        response = register(
            email="bob@example.com",
            security_question_1="Q1",
            security_answer_1="A1",
            security_question_2="Q2",
            security_answer_2="A2",
        )
        assert response.status_code == 400
        assert not User.objects.filter(email="bob@example.com").exists()

    def test_registration_creates_an_organization_with_the_person_as_admin(self, registered):
        assert registered["user"]["role"] == "admin"
        assert registered["organization"]["name"] == "Ada's organization"
        assert registered["token_type"] == "bearer"
        assert registered["token"] == registered["access_token"]
        assert registered["recovery_key"] is None
        me = bearer(registered["access_token"]).get("/api/v1/auth/me").json()["data"]
        assert me["email"] == "ada@example.com"
        assert me["organization"]["id"] == registered["organization"]["id"]

    def test_organization_name_is_taken_when_given(self, db):
        data = register(organization_name="Lovelace Labs", username="ada").json()["data"]
        assert data["organization"]["name"] == "Lovelace Labs"
        assert data["user"]["username"] == "ada"

    @pytest.mark.parametrize(
        ("password", "rule"),
        [
            ("short-pw", "password_too_short"),
            ("123456789012345", "password_entirely_numeric"),
            ("qwerty123456", "password_too_common"),
            ("ada@example.com!", "password_too_similar"),
        ],
    )
    def test_weak_passwords_are_refused_naming_the_rule(self, db, password, rule):
        response = register(password=password)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_ERROR"
        assert rule in error["details"]["rules"]
        assert "password" in error["details"]["fields"]
        assert not User.objects.exists()
        assert not Organization.objects.exists()

    def test_same_email_twice_is_a_conflict(self, registered):
        response = register(email="ADA@example.com")
        assert response.status_code == 409
        assert User.objects.count() == 1

    def test_passwords_are_hashed_with_argon2_in_production_settings(self, settings):
        assert settings.PASSWORD_HASHERS  # tests use a fast hasher; production's first is Argon2
        from config.settings import base

        assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


class TestLogin:
    def test_by_email_or_username(self, db):
        register(username="ada")
        for body in ({"email": "ada@example.com"}, {"username": "ada"}, {"username": "ADA@example.com"}):
            response = login(body.get("email") or body["username"]) if "email" in body else None
            if response is None:
                from rest_framework.test import APIClient

                response = APIClient().post("/api/v1/auth/login", {**body, "password": STRONG}, format="json")
            assert response.status_code == 200, response.json()
            data = response.json()["data"]
            assert set(data) >= {"access_token", "refresh_token", "token_type", "expires_in", "token", "user"}
            assert data["expires_in"] == 30 * 60
            assert data["user"]["email"] == "ada@example.com"

    def test_wrong_password_is_401_and_audited(self, registered):
        response = login("ada@example.com", "not-the-password-at-all")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "UNAUTHORIZED"
        assert AuditAction.LOGIN_FAILED in audit_actions(registered["organization"]["id"])

    def test_unknown_account_is_the_same_401(self, db):
        response = login("nobody@example.com")
        assert response.status_code == 401
        assert response.json()["error"]["message"] == "The email/username or password is wrong."

    def test_success_is_audited_with_ip_and_user_agent(self, registered):
        from rest_framework.test import APIClient

        APIClient().post(
            "/api/v1/auth/login",
            {"email": "ada@example.com", "password": STRONG},
            format="json",
            HTTP_USER_AGENT="pytest-agent",
            REMOTE_ADDR="203.0.113.9",
        )
        event = AuditEvent.objects.unscoped().filter(action=AuditAction.LOGIN_SUCCEEDED).get()
        assert (event.ip_address, event.user_agent, event.actor.email) == (
            "203.0.113.9",
            "pytest-agent",
            "ada@example.com",
        )

    def test_five_failures_lock_the_account_out(self, registered):
        for _ in range(5):
            assert login("ada@example.com", "wrong-password-again").status_code == 401
        response = login("ada@example.com")  # even the right password, during the cool-off
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "RATE_LIMITED"
        assert int(response["Retry-After"]) == 15 * 60
        assert AuditAction.LOCKED_OUT in audit_actions(registered["organization"]["id"])

    def test_five_failures_from_one_ip_lock_that_ip_out(self, db):
        UserFactory(email="other@example.com")
        for n in range(5):
            assert login(f"guess{n}@example.com", "whatever-password").status_code == 401
        assert login("other@example.com", "correct-horse-battery-staple").status_code == 429

    def test_lockout_ends_after_the_cool_off(self, registered):
        from datetime import timedelta

        import time_machine
        from django.utils import timezone

        for _ in range(5):
            login("ada@example.com", "wrong-password-again")
        assert login("ada@example.com").status_code == 429
        with time_machine.travel(timezone.now() + timedelta(minutes=16)):
            assert login("ada@example.com").status_code == 200

    def test_deactivated_member_cannot_sign_in(self, admin_a, viewer_a):
        viewer_a.is_active = False
        viewer_a.save()
        response = login(viewer_a.user.email, "correct-horse-battery-staple")
        assert response.status_code == 403


class TestTokens:
    def test_refresh_with_body_rotates_and_the_old_token_dies(self, registered):
        from rest_framework.test import APIClient

        client = APIClient()
        first = client.post(
            "/api/v1/auth/refresh", {"refresh_token": registered["refresh_token"]}, format="json"
        )
        assert first.status_code == 200
        assert first.json()["data"]["refresh_token"] != registered["refresh_token"]
        again = client.post(
            "/api/v1/auth/refresh", {"refresh_token": registered["refresh_token"]}, format="json"
        )
        assert again.status_code == 401

    def test_refresh_with_bearer_header(self, registered):
        response = bearer(registered["refresh_token"]).post("/api/v1/auth/refresh")
        assert response.status_code == 200
        assert bearer(response.json()["data"]["access_token"]).get("/api/v1/auth/me").status_code == 200

    def test_refresh_without_a_token_is_a_validation_error(self, api_client):
        response = api_client.post("/api/v1/auth/refresh", {}, format="json")
        assert response.status_code == 400

    def test_refresh_token_is_not_an_access_token(self, registered):
        assert bearer(registered["refresh_token"]).get("/api/v1/auth/me").status_code == 401

    def test_refresh_reads_the_current_role(self, registered):
        from rest_framework_simplejwt.tokens import AccessToken

        organization = Organization.objects.get(pk=registered["organization"]["id"])
        other_admin = MembershipFactory(organization=organization, role=Role.ADMIN)
        assert other_admin
        Membership.objects.for_organization(organization).filter(user__email="ada@example.com").update(
            role=Role.VIEWER
        )
        response = bearer(registered["refresh_token"]).post("/api/v1/auth/refresh")
        assert AccessToken(response.json()["data"]["access_token"])["role"] == "viewer"
        assert response.json()["data"]["user"]["role"] == "viewer"

    def test_tampered_access_token_is_401(self, registered):
        token = registered["access_token"]
        header, payload, signature = token.split(".")
        tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
        response = bearer(tampered).get("/api/v1/auth/me")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "UNAUTHORIZED"

    def test_validate(self, registered, api_client):
        ok = api_client.get("/api/v1/auth/validate", {"token": registered["access_token"]}).json()["data"]
        assert ok["valid"] is True
        assert ok["user"]["role"] == "admin"
        bad = api_client.get("/api/v1/auth/validate", {"token": "not.a.token"}).json()["data"]
        assert bad == {"valid": False, "user": None}
        assert api_client.get("/api/v1/auth/validate").status_code == 400


class TestLogout:
    def test_logout_with_a_refresh_token_ends_that_session(self, registered):
        other = login("ada@example.com").json()["data"]
        client = bearer(registered["access_token"])
        response = client.post(
            "/api/v1/auth/logout", {"refresh_token": registered["refresh_token"]}, format="json"
        )
        assert response.status_code == 204
        assert bearer(registered["refresh_token"]).post("/api/v1/auth/refresh").status_code == 401
        assert bearer(other["refresh_token"]).post("/api/v1/auth/refresh").status_code == 200

    def test_logout_without_a_token_ends_every_session(self, registered):
        other = login("ada@example.com").json()["data"]
        assert bearer(registered["access_token"]).post("/api/v1/auth/logout").status_code == 204
        for session in (registered, other):
            response = bearer(session["refresh_token"]).post("/api/v1/auth/refresh")
            assert response.status_code == 401
        assert AuditAction.LOGOUT in audit_actions()

    def test_someone_elses_refresh_token_is_refused(self, registered, admin_a):
        theirs = login(admin_a.user.email, "correct-horse-battery-staple").json()["data"]
        response = bearer(registered["access_token"]).post(
            "/api/v1/auth/logout", {"refresh_token": theirs["refresh_token"]}, format="json"
        )
        assert response.status_code == 400
        assert bearer(theirs["refresh_token"]).post("/api/v1/auth/refresh").status_code == 200

    def test_logout_needs_a_session(self, api_client):
        assert api_client.post("/api/v1/auth/logout").status_code == 401


class TestPasswordChange:
    def test_change_ends_other_sessions_and_keeps_this_one(self, registered):
        client = bearer(registered["access_token"])
        response = client.post(
            "/api/v1/auth/change-password",
            {"current_password": STRONG, "new_password": "Marmalade-Observatory-77"},
            format="json",
        )
        assert response.status_code == 200
        assert bearer(registered["refresh_token"]).post("/api/v1/auth/refresh").status_code == 401
        assert (
            bearer(response.json()["data"]["refresh_token"]).post("/api/v1/auth/refresh").status_code == 200
        )
        assert login("ada@example.com", "Marmalade-Observatory-77").status_code == 200
        assert login("ada@example.com").status_code == 401

    def test_wrong_current_password(self, registered):
        response = bearer(registered["access_token"]).post(
            "/api/v1/auth/change-password",
            {"current_password": "nope-nope-nope", "new_password": "Marmalade-Observatory-77"},
            format="json",
        )
        assert response.status_code == 400
        assert "current_password" in response.json()["error"]["details"]["fields"]

    def test_weak_new_password(self, registered):
        response = bearer(registered["access_token"]).post(
            "/api/v1/auth/change-password",
            {"current_password": STRONG, "new_password": "12345678901234"},
            format="json",
        )
        assert response.status_code == 400
        assert login("ada@example.com").status_code == 200


class TestOrganizationsOfAPerson:
    def test_switching_organization_changes_the_org_claim(self, registered):
        from rest_framework_simplejwt.tokens import AccessToken

        second = OrganizationFactory(name="Second")
        MembershipFactory(
            organization=second, user=User.objects.get(email="ada@example.com"), role=Role.VIEWER
        )
        client = bearer(registered["access_token"])
        response = client.post(
            "/api/v1/auth/switch-organization", {"organization": second.slug}, format="json"
        )
        assert response.status_code == 200
        token = AccessToken(response.json()["data"]["access_token"])
        assert (token["org"], token["role"]) == (str(second.pk), "viewer")
        assert (
            client.post(
                "/api/v1/auth/switch-organization", {"organization": "org-b"}, format="json"
            ).status_code
            == 403
        )

    def test_x_organization_picks_another_membership_per_request(self, registered):
        second = OrganizationFactory(name="Second")
        MembershipFactory(
            organization=second, user=User.objects.get(email="ada@example.com"), role=Role.VIEWER
        )
        me = (
            bearer(registered["access_token"], HTTP_X_ORGANIZATION=str(second.pk))
            .get("/api/v1/auth/me")
            .json()["data"]
        )
        assert (me["organization"]["id"], me["role"]) == (str(second.pk), "viewer")
        assert len(me["memberships"]) == 2

    def test_a_deactivated_membership_stops_working_at_once(self, admin_a, viewer_a):
        from tests.conftest import client_for

        client = client_for(viewer_a)
        assert client.get("/api/v1/users").status_code == 200
        response = client_for(admin_a).put(
            f"/api/v1/auth/users/{viewer_a.user_id}/active", {"active": False}, format="json"
        )
        assert response.status_code == 200
        assert client.get("/api/v1/users").status_code == 403


@override_settings(AXES_ENABLED=True)
def test_login_failure_for_unknown_email_has_no_organization(db):
    login("ghost@example.com", "whatever-password")
    event = AuditEvent.objects.unscoped().get(action=AuditAction.LOGIN_FAILED)
    assert event.organization_id is None
    assert event.actor_email == "ghost@example.com"
