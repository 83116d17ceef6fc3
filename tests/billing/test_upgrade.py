"""POST /subscriptions/upgrade in the embedded default (no Stripe): admins only, plan changes directly."""

import datetime as dt

import pytest
from django.utils import timezone

from billing.models import Subscription
from billing.services import plan_for, quota_consume
from organizations.models import AuditEvent, Role
from tests.billing.conftest import data, error, subscription_of
from tests.conftest import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/subscriptions/upgrade"


def upgrade(client, **body):
    return client.post(URL, body, format="json")


def test_an_admin_upgrades_directly_and_is_told_stripe_is_not_configured(client_a, org_a):
    body = data(upgrade(client_a, org_id=str(org_a.pk), new_plan="pro"))

    assert body["plan"] == "pro"
    assert body["monthly_price"] == 29900
    assert body["mode"] == "embedded"
    assert body["takes_effect"] == "immediately"
    assert "Stripe is not configured" in body["message"]
    assert subscription_of(org_a).plan.code == "pro"
    assert data(client_a.get("/api/v1/subscriptions"))["scans_per_month"] == 1000
    assert AuditEvent.objects.for_organization(org_a).filter(action="billing.plan_changed").count() == 1


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.MANAGER])
def test_only_admins_can_change_the_plan(org_a, role):
    member = MembershipFactory(organization=org_a, role=role)

    response = upgrade(client_for(member), new_plan="pro")

    assert response.status_code == 403
    assert error(response)["code"] == "FORBIDDEN"
    assert subscription_of(org_a).plan.code == "free"


def test_an_admin_elsewhere_is_not_an_admin_here(org_a, admin_b, viewer_a):
    """A viewer of A who is admin of B cannot upgrade A by naming it."""
    MembershipFactory(organization=admin_b.organization, user=viewer_a.user, role=Role.ADMIN)

    response = upgrade(client_for(viewer_a), org_id=str(org_a.pk), new_plan="pro")

    assert response.status_code == 403
    assert subscription_of(org_a).plan.code == "free"


def test_another_organization_cannot_be_upgraded(client_a, org_b):
    response = upgrade(client_a, org_id=str(org_b.pk), new_plan="enterprise")

    assert response.status_code == 404
    assert subscription_of(org_b).plan.code == "free"


@pytest.mark.parametrize(("body", "field"), [({"new_plan": "platinum"}, "new_plan"), ({}, "new_plan")])
def test_bad_input_is_a_validation_error_and_changes_nothing(client_a, org_a, body, field):
    response = upgrade(client_a, **body)

    assert response.status_code == 400
    assert error(response)["code"] == "VALIDATION_ERROR"
    assert field in error(response)["details"]["fields"]
    assert subscription_of(org_a).plan.code == "free"


def test_the_current_plan_is_a_conflict(client_a):
    response = upgrade(client_a, new_plan="free")

    assert response.status_code == 409
    assert error(response)["code"] == "CONFLICT"


def test_a_downgrade_waits_for_the_end_of_the_cycle_and_reports_usage_over_the_new_limits(client_a, org_a):
    upgrade(client_a, new_plan="pro")
    quota_consume(org_a, "scans", amount=300)

    body = data(upgrade(client_a, new_plan="free"))

    subscription = subscription_of(org_a)
    assert body["plan"] == "pro"
    assert body["pending_plan"] == "free"
    assert body["takes_effect"] == "at_cycle_end"
    assert body["effective_at"] == subscription.billing_cycle_end.isoformat().replace("+00:00", "Z")
    assert {"resource": "scans", "window": "cycle", "used": 300, "limit": 50} in body["usage_over_new_limits"]
    assert plan_for(org_a).code == "pro"
    quota_consume(org_a, "scans")  # pro limits until the cycle ends
    usage = data(client_a.get("/api/v1/subscriptions/usage"))
    assert usage["pending_plan"] == "free"
    assert usage["usage_over_pending_plan"][0]["used"] == 301


def test_seats_over_the_new_plan_are_reported(client_a, org_a):
    upgrade(client_a, new_plan="pro")
    for _ in range(4):
        MembershipFactory(organization=org_a, role=Role.VIEWER)

    body = data(upgrade(client_a, new_plan="free"))

    assert {"resource": "seats", "window": "current", "used": 5, "limit": 3} in body["usage_over_new_limits"]


def test_the_downgrade_applies_when_the_cycle_ends(client_a, org_a):
    upgrade(client_a, new_plan="pro")
    upgrade(client_a, new_plan="free")
    subscription = subscription_of(org_a)
    Subscription.objects.for_organization(org_a).filter(pk=subscription.pk).update(
        billing_cycle_end=timezone.now() - dt.timedelta(minutes=1)
    )

    body = data(client_a.get("/api/v1/subscriptions"))

    assert (body["plan"], body["pending_plan"], body["scans_per_month"]) == ("free", None, 50)
    assert dt.datetime.fromisoformat(body["billing_cycle_end"]) > timezone.now()


def test_choosing_the_current_plan_again_drops_the_scheduled_downgrade(client_a, org_a):
    upgrade(client_a, new_plan="enterprise")
    upgrade(client_a, new_plan="pro")

    body = data(upgrade(client_a, new_plan="enterprise"))

    assert (body["plan"], body["pending_plan"]) == ("enterprise", None)
    assert subscription_of(org_a).pending_plan is None


def test_an_upgrade_cancels_a_pending_downgrade(client_a, org_a):
    upgrade(client_a, new_plan="pro")
    upgrade(client_a, new_plan="free")

    data(upgrade(client_a, new_plan="enterprise"))

    subscription = subscription_of(org_a)
    assert (subscription.plan.code, subscription.pending_plan) == ("enterprise", None)
