"""The tenancy core: scoped manager, scoped viewset, active organization and roles."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework import mixins

from organizations.models import Membership, Role
from organizations.tenancy import UnscopedQueryError
from organizations.viewsets import OrganizationScopedViewSet
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestScopedManager:
    def test_query_without_an_organization_is_refused(self, admin_a):
        with pytest.raises(UnscopedQueryError):
            list(Membership.objects.all())
        with pytest.raises(UnscopedQueryError):
            Membership.objects.filter(role=Role.ADMIN).count()
        with pytest.raises(UnscopedQueryError):
            Membership.objects.filter(role=Role.ADMIN).update(role=Role.VIEWER)

    def test_scoped_query_sees_only_that_organization(self, admin_a, admin_b):
        assert list(Membership.objects.for_organization(admin_a.organization)) == [admin_a]
        assert list(Membership.objects.for_organization(admin_b.organization_id)) == [admin_b]

    def test_filtering_on_organization_counts_as_scoped(self, admin_a, admin_b):
        assert list(Membership.objects.filter(organization=admin_a.organization)) == [admin_a]

    def test_or_with_organization_is_not_scoped(self, admin_a):
        from django.db.models import Q

        with pytest.raises(UnscopedQueryError):
            list(Membership.objects.filter(Q(organization=admin_a.organization) | Q(role=Role.ADMIN)))

    def test_related_manager_of_a_fetched_row_is_allowed(self, admin_a):
        assert list(admin_a.user.memberships.all()) == [admin_a]
        assert list(admin_a.organization.memberships.all()) == [admin_a]

    def test_unscoped_is_explicit(self, admin_a, admin_b):
        assert Membership.objects.unscoped().count() == 2

    def test_full_clean_checks_uniqueness(self, admin_a):
        duplicate = Membership(organization=admin_a.organization, user=admin_a.user, role=Role.VIEWER)
        with pytest.raises(Exception, match="already exists"):
            duplicate.full_clean()


class TestScopedViewSet:
    def test_list_shows_only_the_callers_organization(self, admin_a, admin_b):
        MembershipFactory(organization=admin_b.organization, role=Role.VIEWER)

        emails = [row["email"] for row in client_for(admin_a).get("/api/v1/users").json()["data"]]

        assert emails == [admin_a.user.email]

    @pytest.mark.urls("tests.urls")
    def test_another_organizations_row_is_404(self, admin_a, admin_b):
        client = client_for(admin_b)

        response = client.get(f"/api/v1/test/probe-memberships/{admin_a.pk}")

        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"
        assert client.get(f"/api/v1/test/probe-memberships/{admin_b.pk}").status_code == 200

    @pytest.mark.urls("tests.urls")
    def test_create_takes_the_organization_from_the_request(self, admin_a, admin_b):
        newcomer = UserFactory()

        response = client_for(admin_b).post(
            "/api/v1/test/probe-memberships",
            {"organization": str(admin_a.organization_id), "user": str(newcomer.pk), "role": "viewer"},
        )

        assert response.status_code == 201, response.content
        created = Membership.objects.unscoped().get(user=newcomer)
        assert created.organization_id == admin_b.organization_id

    @pytest.mark.urls("tests.urls")
    def test_viewer_can_read_but_not_write(self, viewer_a):
        client = client_for(viewer_a)

        assert client.get("/api/v1/test/probe-memberships").status_code == 200
        response = client.post(
            "/api/v1/test/probe-memberships", {"user": str(UserFactory().pk), "role": "viewer"}
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "FORBIDDEN"
        assert Membership.objects.for_organization(viewer_a.organization).count() == 1

    def test_overriding_get_queryset_is_refused(self):
        with pytest.raises(ImproperlyConfigured, match="get_queryset"):

            class Leaky(mixins.ListModelMixin, OrganizationScopedViewSet):
                queryset = Membership.objects.all()

                def get_queryset(self):
                    return Membership.objects.unscoped()


class TestActiveOrganization:
    def test_x_organization_picks_among_memberships(self, admin_a, org_b):
        in_b = MembershipFactory(organization=org_b, user=admin_a.user, role=Role.VIEWER)
        stranger = MembershipFactory(organization=org_b, role=Role.VIEWER)

        response = client_for(admin_a, organization_header=str(org_b.pk)).get("/api/v1/users")

        assert response.status_code == 200
        assert {row["email"] for row in response.json()["data"]} == {in_b.user.email, stranger.user.email}

    def test_x_organization_accepts_a_slug(self, admin_a, org_b):
        MembershipFactory(organization=org_b, user=admin_a.user)

        response = client_for(admin_a, organization_header=org_b.slug).get("/api/v1/users")

        assert response.status_code == 200
        assert response.json()["meta"]["pagination"]["total"] == 1

    def test_x_organization_of_a_stranger_is_forbidden(self, admin_a, org_b):
        response = client_for(admin_a, organization_header=str(org_b.pk)).get("/api/v1/users")

        assert response.status_code == 403
        assert response.json()["error"]["code"] == "FORBIDDEN"

    def test_token_of_a_revoked_membership_no_longer_works(self, admin_a):
        client = client_for(admin_a)
        Membership.objects.for_organization(admin_a.organization).filter(pk=admin_a.pk).delete()

        assert client.get("/api/v1/users").status_code == 403

    def test_user_without_organization_is_forbidden(self, api_client):
        from accounts.tokens import tokens_for

        user = UserFactory()
        api_client.credentials(
            HTTP_AUTHORIZATION=f"Bearer {tokens_for(user=user, membership=None)['access_token']}"
        )

        response = api_client.get("/api/v1/users")

        assert response.status_code == 403
