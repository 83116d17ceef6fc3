"""Plans as data, one subscription per organization, and GET /subscriptions."""

import pytest

from billing.models import Plan, Subscription
from billing.services import quota_consume
from organizations.models import Role
from organizations.services import organization_create
from tests.billing.conftest import data, error
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_catalog_is_seeded_with_the_seed_plans():
    plans = {plan.code: plan for plan in Plan.objects.all()}

    assert list(plans) == ["free", "pro", "enterprise"]
    assert [plans[c].scans_per_month for c in plans] == [50, 1000, None]
    assert [plans[c].requests_per_second for c in plans] == [10, 50, 100]
    assert [plans[c].monthly_price for c in plans] == [0, 29900, 99900]
    assert not plans["free"].includes_slack
    assert [plans["pro"].includes_custom_rules, plans["pro"].includes_slack, plans["pro"].includes_soc2] == [
        True
    ] * 3


def test_a_new_organization_starts_on_free():
    organization = organization_create(name="Fresh Org", owner=UserFactory())

    subscription = Subscription.objects.for_organization(organization).get()
    assert subscription.plan.code == "free"
    assert subscription.billing_cycle_end > subscription.billing_cycle_start


def test_an_organization_has_exactly_one_subscription():
    organization = organization_create(name="Fresh Org", owner=UserFactory())
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(
            organization=organization,
            plan=Plan.objects.get(code="pro"),
            billing_cycle_start=organization.created_at,
            billing_cycle_end=organization.created_at,
        )


def test_get_subscription_returns_the_seed_fields(client_a, org_a):
    for _ in range(3):
        quota_consume(org_a, "scans")

    body = data(client_a.get("/api/v1/subscriptions", {"org_id": str(org_a.pk)}))

    assert body["organization_id"] == str(org_a.pk)
    assert body["plan"] == "free"
    assert body["status"] == "active"
    assert body["monthly_price"] == 0
    assert body["scans_per_month"] == 50
    assert body["scans_used"] == 3
    assert body["api_calls_per_day"] == 1000
    assert body["includes_custom_rules"] is False
    assert body["includes_slack"] is False
    assert body["includes_soc2"] is False
    assert body["billing_cycle_start"] < body["billing_cycle_end"]
    assert body["pending_plan"] is None


def test_without_org_id_the_active_organization_is_shown(client_a, org_a):
    assert data(client_a.get("/api/v1/subscriptions"))["organization_id"] == str(org_a.pk)


def test_a_viewer_may_read_it(viewer_a, org_a):
    assert data(client_for(viewer_a).get("/api/v1/subscriptions"))["plan"] == "free"


@pytest.mark.parametrize("path", ["/api/v1/subscriptions", "/api/v1/subscriptions/usage"])
def test_another_organizations_subscription_is_404(client_a, org_b, path):
    response = client_a.get(path, {"org_id": str(org_b.pk)})

    assert response.status_code == 404
    assert error(response)["code"] == "NOT_FOUND"
    assert str(org_b.pk) not in response.content.decode()


def test_an_unknown_org_id_is_404(client_a):
    assert client_a.get("/api/v1/subscriptions", {"org_id": "not-an-organization"}).status_code == 404


def test_a_deactivated_membership_does_not_see_the_subscription(admin_a, org_a):
    other = OrganizationFactory()
    MembershipFactory(organization=other, user=admin_a.user, role=Role.ADMIN, is_active=False)

    assert client_for(admin_a).get("/api/v1/subscriptions", {"org_id": str(other.pk)}).status_code == 404


def test_a_member_of_two_organizations_reads_either(admin_a, org_a):
    second = OrganizationFactory()
    MembershipFactory(organization=second, user=admin_a.user, role=Role.VIEWER)

    body = data(client_for(admin_a).get("/api/v1/subscriptions", {"org_id": str(second.pk)}))

    assert body["organization_id"] == str(second.pk)


def test_anonymous_is_401(api_client):
    assert api_client.get("/api/v1/subscriptions").status_code == 401


def test_plans_are_listed(client_a):
    plans = data(client_a.get("/api/v1/subscriptions/plans"))

    assert [plan["code"] for plan in plans] == ["free", "pro", "enterprise"]
    assert plans[2]["scans_per_month"] is None


def test_a_plan_edited_in_the_admin_changes_the_limits(client_a, org_a):
    Plan.objects.filter(code="free").update(scans_per_month=75)

    assert data(client_a.get("/api/v1/subscriptions"))["scans_per_month"] == 75


def test_demo_data_puts_the_demo_organization_on_pro_once(admin_a, org_a):
    from billing import demo

    demo.load(organization=org_a, admin=admin_a.user)
    demo.load(organization=org_a, admin=admin_a.user)

    body = data(client_for(admin_a).get("/api/v1/subscriptions"))
    assert (body["plan"], body["scans_used"]) == ("pro", 234)
