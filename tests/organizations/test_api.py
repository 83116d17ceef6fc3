"""Organizations (seed E), teams (seed C), API keys and the audit log, through the API."""

import pytest
from rest_framework.test import APIClient

from organizations.models import ApiKey, AuditAction, AuditEvent, Membership, Role, Team, TeamMember
from tests.conftest import client_for
from tests.factories import MembershipFactory, TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


class TestOrganizations:
    def test_create_makes_you_its_admin(self, client_a, admin_a):
        response = client_a.post(
            "/api/v1/organizations", {"name": "Blue Team", "industry": "Finance"}, format="json"
        )
        assert response.status_code == 201
        data = response.json()["data"]
        assert (data["name"], data["slug"], data["member_count"]) == ("Blue Team", "blue-team", 1)
        membership = Membership.objects.for_organization(data["id"]).get(user=admin_a.user)
        assert membership.role == Role.ADMIN
        assert (
            AuditEvent.objects.for_organization(data["id"])
            .filter(action=AuditAction.ORGANIZATION_CREATED)
            .exists()
        )

    def test_blank_name_is_refused(self, client_a):
        response = client_a.post("/api/v1/organizations", {"name": "   "}, format="json")
        assert response.status_code == 400
        assert "name" in response.json()["error"]["details"]["fields"]

    def test_taken_slug_is_refused(self, client_a, org_b):
        assert (
            client_a.post("/api/v1/organizations", {"name": "X", "slug": "org-b"}, format="json").status_code
            == 400
        )

    def test_list_shows_only_your_organizations_with_member_counts(self, client_a, admin_a, viewer_a, org_b):
        data = client_a.get("/api/v1/organizations").json()["data"]
        assert [(o["id"], o["member_count"]) for o in data] == [(str(admin_a.organization_id), 2)]

    def test_another_organization_is_404(self, client_a, org_b):
        assert client_a.get(f"/api/v1/organizations/{org_b.pk}").status_code == 404
        assert (
            client_a.put(f"/api/v1/organizations/{org_b.pk}", {"name": "Mine"}, format="json").status_code
            == 404
        )
        assert client_a.get("/api/v1/organizations/not-a-uuid").status_code == 404

    def test_only_admins_update(self, admin_a, viewer_a):
        url = f"/api/v1/organizations/{admin_a.organization_id}"
        assert client_for(viewer_a).put(url, {"name": "Viewer's"}, format="json").status_code == 403
        response = client_for(admin_a).put(url, {"name": "Renamed", "country": "FR"}, format="json")
        assert response.status_code == 200
        assert response.json()["data"]["name"] == "Renamed"
        event = AuditEvent.objects.for_organization(admin_a.organization).get(
            action=AuditAction.ORGANIZATION_UPDATED
        )
        assert event.metadata["changes"]["name"] == {"from": "Org A", "to": "Renamed"}

    def test_a_user_of_several_organizations_sees_each(self, admin_a, org_b):
        MembershipFactory(organization=org_b, user=admin_a.user, role=Role.VIEWER)
        names = [o["name"] for o in client_for(admin_a).get("/api/v1/organizations").json()["data"]]
        assert names == ["Org A", "Org B"]


class TestTeams:
    def test_managers_create_teams_viewers_cannot(self, admin_a, viewer_a):
        manager = MembershipFactory(organization=admin_a.organization, role=Role.MANAGER)
        response = client_for(manager).post("/api/v1/teams", {"name": "Platform"}, format="json")
        assert response.status_code == 201
        assert response.json()["data"]["member_count"] == 0
        assert client_for(viewer_a).post("/api/v1/teams", {"name": "Rogue"}, format="json").status_code == 403
        assert Team.objects.for_organization(admin_a.organization).count() == 1

    def test_duplicate_name_is_a_conflict(self, client_a, admin_a):
        client_a.post("/api/v1/teams", {"name": "Platform"}, format="json")
        assert client_a.post("/api/v1/teams", {"name": "platform"}, format="json").status_code == 409

    def test_members_add_list_remove(self, client_a, admin_a, viewer_a):
        team = client_a.post("/api/v1/teams", {"name": "Platform"}, format="json").json()["data"]
        added = client_a.post(
            f"/api/v1/teams/{team['id']}/members",
            {"user_id": str(viewer_a.user_id), "role": "lead"},
            format="json",
        )
        assert added.status_code == 201
        assert added.json()["data"]["role"] == "lead"
        again = client_a.post(
            f"/api/v1/teams/{team['id']}/members", {"user_id": str(viewer_a.user_id)}, format="json"
        )
        assert again.status_code == 409
        listed = client_a.get("/api/v1/teams", {"include_members": "true"}).json()["data"]
        assert [m["email"] for m in listed[0]["members"]] == [viewer_a.user.email]
        assert "members" not in client_a.get("/api/v1/teams").json()["data"][0]
        assert client_a.delete(f"/api/v1/teams/{team['id']}/members/{viewer_a.user_id}").status_code == 204
        assert TeamMember.objects.for_organization(admin_a.organization).count() == 0

    def test_someone_from_another_organization_cannot_be_added(self, client_a, admin_a, admin_b):
        team = TeamFactory(organization=admin_a.organization)
        response = client_a.post(
            f"/api/v1/teams/{team.pk}/members", {"user_id": str(admin_b.user_id)}, format="json"
        )
        assert response.status_code == 404
        assert TeamMember.objects.unscoped().count() == 0

    def test_another_organizations_team_is_404(self, client_a, org_b, admin_a):
        team = TeamFactory(organization=org_b)
        assert client_a.get(f"/api/v1/teams/{team.pk}").status_code == 404
        assert client_a.patch(f"/api/v1/teams/{team.pk}", {"name": "Mine"}, format="json").status_code == 404
        assert client_a.delete(f"/api/v1/teams/{team.pk}").status_code == 404
        member = client_a.post(
            f"/api/v1/teams/{team.pk}/members", {"user_id": str(admin_a.user_id)}, format="json"
        )
        assert member.status_code == 404
        assert Team.objects.for_organization(org_b).get(pk=team.pk).name == team.name

    def test_removing_a_person_from_the_organization_removes_them_from_its_teams(
        self, client_a, admin_a, viewer_a
    ):
        team = TeamFactory(organization=admin_a.organization)
        TeamMemberFactory(team=team, organization=admin_a.organization, user=viewer_a.user)
        assert client_a.delete(f"/api/v1/auth/users/{viewer_a.user_id}").status_code == 204
        assert TeamMember.objects.for_organization(admin_a.organization).count() == 0


class TestApiKeys:
    def create(self, client, scopes=("read",), name="CI"):
        return client.post("/api/v1/api-keys", {"name": name, "scopes": list(scopes)}, format="json")

    def test_the_key_is_shown_once_and_stored_hashed(self, client_a):
        response = self.create(client_a)
        assert response.status_code == 201
        key = response.json()["data"]["key"]
        assert key.startswith("plsd_")
        stored = ApiKey.objects.unscoped().get()
        assert key not in stored.key_digest
        assert stored.prefix in key
        listed = client_a.get("/api/v1/api-keys").json()["data"][0]
        assert "key" not in listed
        assert listed["prefix"] == stored.prefix

    def test_a_read_key_reads_its_organization_only_and_cannot_write(self, client_a, admin_a, admin_b):
        key = self.create(client_a).json()["data"]["key"]
        machine = APIClient()
        machine.credentials(HTTP_X_API_KEY=key)
        people = machine.get("/api/v1/users").json()["data"]
        assert [p["email"] for p in people] == [admin_a.user.email]
        assert machine.post("/api/v1/teams", {"name": "Bots"}, format="json").status_code == 403
        assert machine.get("/api/v1/api-keys").status_code == 403  # admin-level: never for keys
        assert (
            machine.get(f"/api/v1/teams/{TeamFactory(organization=admin_b.organization).pk}").status_code
            == 404
        )

    def test_revoked_or_unknown_keys_are_401(self, client_a):
        created = self.create(client_a).json()["data"]
        assert client_a.delete(f"/api/v1/api-keys/{created['id']}").status_code == 204
        machine = APIClient()
        machine.credentials(HTTP_X_API_KEY=created["key"])
        assert machine.get("/api/v1/users").status_code == 401
        machine.credentials(HTTP_X_API_KEY="plsd_0000_nope")
        assert machine.get("/api/v1/users").status_code == 401

    def test_unknown_scope_is_refused(self, client_a):
        assert self.create(client_a, scopes=("root",)).status_code == 400
        assert self.create(client_a, scopes=()).status_code == 400
        assert ApiKey.objects.unscoped().count() == 0

    def test_only_admins_manage_keys(self, viewer_a):
        assert self.create(client_for(viewer_a)).status_code == 403

    def test_another_organizations_key_is_404(self, client_a, client_b):
        created = self.create(client_b).json()["data"]
        assert client_a.get(f"/api/v1/api-keys/{created['id']}").status_code == 404
        assert client_a.delete(f"/api/v1/api-keys/{created['id']}").status_code == 404
        assert ApiKey.objects.unscoped().get().revoked_at is None

    def test_create_and_revoke_are_audited(self, client_a, admin_a):
        created = self.create(client_a).json()["data"]
        client_a.delete(f"/api/v1/api-keys/{created['id']}")
        actions = set(
            AuditEvent.objects.for_organization(admin_a.organization).values_list("action", flat=True)
        )
        assert {AuditAction.API_KEY_CREATED, AuditAction.API_KEY_REVOKED} <= actions


class TestAuditLog:
    def test_admins_list_and_filter(self, client_a, admin_a, viewer_a):
        client_a.put(f"/api/v1/auth/users/{viewer_a.user_id}/role", {"role": "editor"}, format="json")
        client_a.post("/api/v1/teams", {"name": "Platform"}, format="json")
        everything = client_a.get("/api/v1/audit-log").json()["data"]
        assert {e["action"] for e in everything} >= {"member.role_changed", "team.created"}
        only = client_a.get("/api/v1/audit-log", {"action": "team.created"}).json()["data"]
        assert [e["action"] for e in only] == ["team.created"]
        by_actor = client_a.get("/api/v1/audit-log", {"actor": str(admin_a.user_id)}).json()["data"]
        assert len(by_actor) == 2
        assert client_a.get("/api/v1/audit-log", {"start_date": "2000-01-01T00:00:00Z"}).status_code == 200
        assert client_a.get("/api/v1/audit-log", {"end_date": "yesterday-ish"}).status_code == 400

    def test_viewers_cannot_read_it(self, viewer_a):
        assert client_for(viewer_a).get("/api/v1/audit-log").status_code == 403

    def test_each_organization_sees_only_its_own(self, client_a, client_b, admin_a):
        client_a.post("/api/v1/teams", {"name": "Platform"}, format="json")
        assert client_b.get("/api/v1/audit-log").json()["data"] == []

    def test_the_log_is_read_only(self, client_a):
        assert client_a.post("/api/v1/audit-log", {}, format="json").status_code == 405


def test_organization_created_signal_runs_inside_the_transaction(admin_a):
    from organizations.services import organization_create
    from organizations.signals import organization_created

    def explode(**kwargs):
        raise RuntimeError("a receiver failed")

    organization_created.connect(explode)
    try:
        with pytest.raises(RuntimeError):
            organization_create(name="Doomed", owner=admin_a.user)
    finally:
        organization_created.disconnect(explode)
    from organizations.models import Organization

    assert not Organization.objects.filter(name="Doomed").exists()
