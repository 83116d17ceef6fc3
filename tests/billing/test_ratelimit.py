"""The per-second request limit follows the plan; X-RateLimit-* show it."""

import pytest
from django.test import RequestFactory

from billing.ratelimit import plan_rate
from tests.billing.conftest import data
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_headers_show_the_plans_requests_per_second(client_a):
    response = client_a.get("/api/v1/subscriptions")

    assert response["X-RateLimit-Limit"] == "10"
    assert response["X-RateLimit-Remaining"] == "9"
    assert 0 <= int(response["X-RateLimit-Reset"]) <= 1


def test_an_upgrade_raises_the_limit_at_once(client_a):
    client_a.get("/api/v1/subscriptions")
    data(client_a.post("/api/v1/subscriptions/upgrade", {"new_plan": "enterprise"}, format="json"))

    assert client_a.get("/api/v1/subscriptions")["X-RateLimit-Limit"] == "100"


def test_a_tighter_configured_group_still_shows_and_applies(settings, client_a):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "standard": "2/m"}

    first = client_a.get("/api/v1/subscriptions")
    client_a.get("/api/v1/subscriptions")
    third = client_a.get("/api/v1/subscriptions")

    assert first["X-RateLimit-Limit"] == "2"
    assert third.status_code == 429


def test_requests_beyond_the_plans_rate_are_429(client_a):
    from billing.models import Plan

    Plan.objects.filter(code="free").update(requests_per_second=2)
    # Three requests land in one one-second window unless a window boundary splits them; retry then.
    for _attempt in range(5):
        responses = [client_a.get("/api/v1/subscriptions") for _ in range(3)]
        limited = [response for response in responses if response.status_code == 429]
        if limited:
            break
    assert limited, "three requests in a second passed a plan allowing two"
    assert limited[0].json()["error"]["code"] == "RATE_LIMITED"
    assert limited[0]["X-RateLimit-Limit"] == "2"
    assert limited[0]["X-RateLimit-Remaining"] == "0"


def test_the_resolver_gives_plan_rates_only_for_organization_groups(org_a):
    request = RequestFactory().get("/")
    request.organization = org_a

    assert plan_rate(request, "burst") == "10/s"
    assert plan_rate(request, "ingest") == "600/m"
    assert plan_rate(request, "standard") is None
    request.organization = None
    assert plan_rate(request, "burst") is None


def test_rates_are_per_organization(org_a):
    other = OrganizationFactory()
    from billing.models import Plan, Subscription
    from billing.services import subscription_ensure

    subscription = subscription_ensure(organization=other)
    Subscription.objects.for_organization(other).filter(pk=subscription.pk).update(
        plan=Plan.objects.get(code="pro")
    )
    request = RequestFactory().get("/")

    request.organization = other
    assert plan_rate(request, "burst") == "50/s"
    request.organization = org_a
    assert plan_rate(request, "burst") == "10/s"
