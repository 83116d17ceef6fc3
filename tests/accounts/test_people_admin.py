"""Admins manage people: roles, deactivation, removal, password reset (seed A) and users (seed C)."""

import pytest

from accounts.models import User
from organizations.models import AuditAction, AuditEvent, Membership, Role
from tests.accounts.conftest import login
from tests.conftest import client_for
from tests.factories import PASSWORD, MembershipFactory, TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db
NEW = "Marmalade-Observatory-77"


def test_admin_lists_people_with_seed_a_fields(client_a, admin_a, viewer_a):
    response = client_a.get("/api/v1/auth/users")
    assert response.status_code == 200
    people = {p["email"]: p for p in response.json()["data"]}
    assert set(people) == {admin_a.user.email, viewer_a.user.email}
    assert {"id", "name", "email", "role", "active", "last_login_at"} <= set(people[viewer_a.user.email])


def test_viewers_cannot_use_admin_endpoints(viewer_a, admin_a):
    client = client_for(viewer_a)
    target = admin_a.user_id
    assert client.get("/api/v1/auth/users").status_code == 403
    assert (
        client.put(f"/api/v1/auth/users/{target}/role", {"role": "viewer"}, format="json").status_code == 403
    )
    assert (
        client.put(f"/api/v1/auth/users/{target}/active", {"active": False}, format="json").status_code == 403
    )
    assert client.delete(f"/api/v1/auth/users/{target}").status_code == 403
    assert (
        client.post(f"/api/v1/auth/reset-password/{target}", {"new_password": NEW}, format="json").status_code
        == 403
    )
    assert Membership.objects.for_organization(admin_a.organization).get(pk=admin_a.pk).role == Role.ADMIN


def test_role_change_is_audited(client_a, admin_a, viewer_a):
    response = client_a.put(f"/api/v1/auth/users/{viewer_a.user_id}/role", {"role": "manager"}, format="json")
    assert response.status_code == 200
    assert response.json()["data"]["role"] == "manager"
    event = AuditEvent.objects.for_organization(admin_a.organization).get(action=AuditAction.ROLE_CHANGED)
    assert event.metadata == {"from": "viewer", "to": "manager"}
    assert event.actor == admin_a.user


def test_last_admin_cannot_be_demoted_deactivated_or_removed(client_a, admin_a):
    url = f"/api/v1/auth/users/{admin_a.user_id}"
    for response in (
        client_a.put(f"{url}/role", {"role": "viewer"}, format="json"),
        client_a.put(f"{url}/active", {"active": False}, format="json"),
        client_a.delete(url),
    ):
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "CONFLICT"
    membership = Membership.objects.for_organization(admin_a.organization).get(pk=admin_a.pk)
    assert (membership.role, membership.is_active) == (Role.ADMIN, True)


def test_an_admin_can_step_down_when_another_admin_exists(client_a, admin_a):
    MembershipFactory(organization=admin_a.organization, role=Role.ADMIN)
    response = client_a.put(f"/api/v1/auth/users/{admin_a.user_id}/role", {"role": "editor"}, format="json")
    assert response.status_code == 200


def test_deactivation_and_reactivation(client_a, viewer_a):
    url = f"/api/v1/auth/users/{viewer_a.user_id}/active"
    assert client_a.put(url, {"active": False}, format="json").json()["data"]["active"] is False
    assert login(viewer_a.user.email, PASSWORD).status_code == 403
    assert client_a.put(url, {"active": True}, format="json").json()["data"]["active"] is True
    assert login(viewer_a.user.email, PASSWORD).status_code == 200


def test_removal(client_a, viewer_a, admin_a):
    assert client_a.delete(f"/api/v1/auth/users/{viewer_a.user_id}").status_code == 204
    assert not Membership.objects.for_organization(admin_a.organization).filter(user=viewer_a.user).exists()
    assert User.objects.filter(pk=viewer_a.user_id).exists()  # the account lives on; only the membership ends


def test_people_of_another_organization_are_404(client_a, admin_b):
    url = f"/api/v1/auth/users/{admin_b.user_id}"
    assert client_a.put(f"{url}/role", {"role": "viewer"}, format="json").status_code == 404
    assert client_a.put(f"{url}/active", {"active": False}, format="json").status_code == 404
    assert client_a.delete(url).status_code == 404
    assert (
        client_a.post(
            f"/api/v1/auth/reset-password/{admin_b.user_id}", {"new_password": NEW}, format="json"
        ).status_code
        == 404
    )
    assert client_a.get(f"/api/v1/users/{admin_b.user_id}").status_code == 404
    assert (
        client_a.put(f"/api/v1/users/{admin_b.user_id}", {"name": "Hijacked"}, format="json").status_code
        == 404
    )
    assert login(admin_b.user.email, PASSWORD).status_code == 200


def test_reset_password(client_a, viewer_a):
    session = login(viewer_a.user.email, PASSWORD).json()["data"]
    response = client_a.post(
        f"/api/v1/auth/reset-password/{viewer_a.user_id}", {"new_password": NEW}, format="json"
    )
    assert response.status_code == 200
    assert login(viewer_a.user.email, NEW).status_code == 200
    from tests.accounts.conftest import bearer

    assert bearer(session["refresh_token"]).post("/api/v1/auth/refresh").status_code == 401


def test_reset_password_refused_for_someone_who_also_works_elsewhere(client_a, viewer_a, org_b):
    MembershipFactory(organization=org_b, user=viewer_a.user, role=Role.VIEWER)
    response = client_a.post(
        f"/api/v1/auth/reset-password/{viewer_a.user_id}", {"new_password": NEW}, format="json"
    )
    assert response.status_code == 403
    assert login(viewer_a.user.email, PASSWORD).status_code == 200


def test_reset_password_applies_the_policy(client_a, viewer_a):
    response = client_a.post(
        f"/api/v1/auth/reset-password/{viewer_a.user_id}", {"new_password": "short"}, format="json"
    )
    assert response.status_code == 400


class TestSeedCUsers:
    def test_members_list_and_filter_by_role_and_team(self, admin_a, viewer_a):
        editor = MembershipFactory(organization=admin_a.organization, role=Role.EDITOR)
        team = TeamFactory(organization=admin_a.organization)
        TeamMemberFactory(team=team, organization=admin_a.organization, user=editor.user)
        client = client_for(viewer_a)
        everyone = client.get("/api/v1/users").json()
        assert everyone["meta"]["pagination"]["total"] == 3
        assert [p["email"] for p in client.get("/api/v1/users", {"role": "editor"}).json()["data"]] == [
            editor.user.email
        ]
        assert [
            p["email"] for p in client.get("/api/v1/users", {"team_id": str(team.pk)}).json()["data"]
        ] == [editor.user.email]
        assert client.get("/api/v1/users", {"team_id": "not-a-uuid"}).status_code == 400
        assert client.get("/api/v1/users", {"limit": 1}).json()["meta"]["pagination"]["pages"] == 3

    def test_admin_adds_a_person_with_a_password(self, client_a):
        response = client_a.post(
            "/api/v1/users",
            {"email": "sam@example.com", "name": "Sam", "role": "viewer", "password": NEW},
            format="json",
        )
        assert response.status_code == 201
        assert login("sam@example.com", NEW).status_code == 200

    def test_adding_a_member_twice_is_a_conflict(self, client_a, viewer_a):
        response = client_a.post(
            "/api/v1/users", {"email": viewer_a.user.email, "role": "viewer"}, format="json"
        )
        assert response.status_code == 409

    def test_weak_password_adds_nobody(self, client_a):
        response = client_a.post(
            "/api/v1/users", {"email": "sam@example.com", "password": "123"}, format="json"
        )
        assert response.status_code == 400
        assert not User.objects.filter(email="sam@example.com").exists()

    def test_non_admins_cannot_add(self, viewer_a):
        response = client_for(viewer_a).post("/api/v1/users", {"email": "sam@example.com"}, format="json")
        assert response.status_code == 403
        assert not User.objects.filter(email="sam@example.com").exists()

    def test_people_edit_their_own_profile_not_others(self, admin_a, viewer_a):
        client = client_for(viewer_a)
        mine = client.put(
            f"/api/v1/users/{viewer_a.user_id}", {"name": "Vic V.", "username": "vic"}, format="json"
        )
        assert mine.status_code == 200
        assert mine.json()["data"]["name"] == "Vic V."
        theirs = client.put(f"/api/v1/users/{admin_a.user_id}", {"name": "Nope"}, format="json")
        assert theirs.status_code == 403
        promote = client.put(f"/api/v1/users/{viewer_a.user_id}", {"role": "admin"}, format="json")
        assert promote.status_code == 403
        assert (
            Membership.objects.for_organization(admin_a.organization).get(pk=viewer_a.pk).role == Role.VIEWER
        )

    def test_admin_changes_role_and_activity(self, client_a, viewer_a):
        response = client_a.put(
            f"/api/v1/users/{viewer_a.user_id}", {"role": "editor", "is_active": False}, format="json"
        )
        assert response.status_code == 200
        assert (response.json()["data"]["role"], response.json()["data"]["is_active"]) == ("editor", False)

    def test_username_must_be_unique(self, client_a, admin_a, viewer_a):
        client_a.put(f"/api/v1/users/{admin_a.user_id}", {"username": "boss"}, format="json")
        response = client_for(viewer_a).put(
            f"/api/v1/users/{viewer_a.user_id}", {"username": "boss"}, format="json"
        )
        assert response.status_code == 409
