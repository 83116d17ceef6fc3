"""quota_consume / usage_record / feature_require: the enforcement other apps call."""

import datetime as dt

import pytest
from django.utils import timezone

from billing.models import Plan, Subscription, UsageCounter
from billing.services import feature_require, plan_for, quota_consume, usage_record
from config.api.errors import ApplicationError
from tests.billing.conftest import data, error, subscription_of
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def scans_used(organization) -> int:
    return sum(
        UsageCounter.objects.for_organization(organization)
        .filter(resource="scans")
        .values_list("count", flat=True)
    )


def set_plan(organization, code):
    subscription = subscription_of(organization)
    Subscription.objects.for_organization(organization).filter(pk=subscription.pk).update(
        plan=Plan.objects.get(code=code)
    )


def test_the_50th_scan_passes_and_the_51st_is_refused(org_a):
    for _ in range(50):
        quota_consume(org_a, "scans")

    with pytest.raises(ApplicationError) as refused:
        quota_consume(org_a, "scans")

    assert refused.value.code == "SCAN_LIMIT_EXCEEDED"
    assert refused.value.status_code == 429
    assert refused.value.details["limit"] == 50
    assert refused.value.details["used"] == 50
    assert scans_used(org_a) == 50


@pytest.mark.urls("tests.billing.urls")
def test_through_an_endpoint_the_51st_scan_is_429_scan_limit_exceeded(admin_a, org_a):
    client = client_for(admin_a)
    for _ in range(49):
        quota_consume(org_a, "scans")

    fiftieth = client.post("/api/v1/test/scans")
    fifty_first = client.post("/api/v1/test/scans")

    assert fiftieth.status_code == 202
    assert fifty_first.status_code == 429
    assert error(fifty_first)["code"] == "SCAN_LIMIT_EXCEEDED"
    assert int(fifty_first["Retry-After"]) > 0
    assert data(client.get("/api/v1/subscriptions"))["scans_used"] == 50


def test_a_refused_request_counts_nothing(org_a):
    for _ in range(45):
        quota_consume(org_a, "scans")

    with pytest.raises(ApplicationError):
        quota_consume(org_a, "scans", amount=6)

    assert scans_used(org_a) == 45
    quota_consume(org_a, "scans", amount=5)
    assert scans_used(org_a) == 50


def test_quotas_are_per_organization(org_a, org_b):
    quota_consume(org_a, "scans", amount=50)

    quota_consume(org_b, "scans")

    assert scans_used(org_b) == 1


def test_upgrading_lifts_the_quota(client_a, org_a):
    quota_consume(org_a, "scans", amount=50)

    data(client_a.post("/api/v1/subscriptions/upgrade", {"new_plan": "pro"}, format="json"))

    quota_consume(org_a, "scans")
    assert scans_used(org_a) == 51


def test_enterprise_scans_are_unlimited(org_a):
    set_plan(org_a, "enterprise")

    quota_consume(org_a, "scans", amount=100_000)

    assert scans_used(org_a) == 100_000


def test_api_calls_are_limited_per_day_and_counted_per_cycle(org_a):
    quota_consume(org_a, "api_calls", amount=1000)

    with pytest.raises(ApplicationError) as refused:
        quota_consume(org_a, "api_calls")

    assert refused.value.code == "RATE_LIMITED"
    counters = dict(
        UsageCounter.objects.for_organization(org_a)
        .filter(resource="api_calls")
        .values_list("window", "count")
    )
    assert counters == {"day": 1000, "cycle": 1000}


def test_usage_record_counts_without_enforcing(org_a):
    usage_record(org_a, "scans", amount=70)
    usage_record(org_a, "ingested_events", amount=12_345)

    assert scans_used(org_a) == 70
    assert UsageCounter.objects.for_organization(org_a).get(resource="ingested_events").count == 12_345


@pytest.mark.parametrize(
    ("resource", "amount"), [("tokens", 1), ("scans", 0), ("scans", -3), ("scans", True)]
)
def test_bad_arguments_are_programming_errors(org_a, resource, amount):
    with pytest.raises(ValueError, match=r"resource|amount"):
        quota_consume(org_a, resource, amount)
    assert not UsageCounter.objects.for_organization(org_a).exists()


def test_a_new_cycle_starts_counting_from_zero(org_a):
    quota_consume(org_a, "scans", amount=50)
    subscription = subscription_of(org_a)
    Subscription.objects.for_organization(org_a).filter(pk=subscription.pk).update(
        billing_cycle_start=subscription.billing_cycle_start - dt.timedelta(days=31),
        billing_cycle_end=timezone.now() - dt.timedelta(seconds=1),
    )

    quota_consume(org_a, "scans")

    rolled = subscription_of(org_a)
    assert rolled.billing_cycle_start <= timezone.now() < rolled.billing_cycle_end
    assert (
        UsageCounter.objects.for_organization(org_a)
        .get(resource="scans", window_start=rolled.billing_cycle_start)
        .count
        == 1
    )


def test_feature_missing_from_the_plan_is_subscription_required(org_a):
    with pytest.raises(ApplicationError) as refused:
        feature_require(org_a, "slack")

    assert refused.value.code == "SUBSCRIPTION_REQUIRED"
    assert refused.value.status_code == 403
    assert refused.value.details["available_on"] == ["pro", "enterprise"]


def test_feature_in_the_plan_passes(org_a):
    set_plan(org_a, "pro")

    assert feature_require(org_a, "soc2").code == "pro"
    assert plan_for(org_a).code == "pro"


def test_an_unknown_feature_is_a_programming_error(org_a):
    with pytest.raises(ValueError, match="Unknown feature"):
        feature_require(org_a, "teleportation")


def test_usage_endpoint_shows_counters_and_limits(client_a, org_a):
    quota_consume(org_a, "scans", amount=7)
    usage_record(org_a, "ai_calls", amount=3)

    body = data(client_a.get("/api/v1/subscriptions/usage"))

    lines = {(line["resource"], line["window"]): line for line in body["usage"]}
    assert (lines[("scans", "cycle")]["used"], lines[("scans", "cycle")]["limit"]) == (7, 50)
    assert lines[("scans", "cycle")]["remaining"] == 43
    assert lines[("ai_calls", "cycle")]["used"] == 3
    assert lines[("api_calls", "day")]["limit"] == 1000
    assert lines[("ingested_events", "cycle")]["limit"] is None
    assert body["usage_over_pending_plan"] == []


def test_api_calls_count_and_stop_at_the_days_allowance(org_a, admin_a):
    subscription = subscription_of(org_a)
    Plan.objects.filter(pk=subscription.plan_id).update(api_calls_per_day=3)
    client = client_for(admin_a)
    assert [client.get("/api/v1/teams").status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = client.get("/api/v1/teams")
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    counted = UsageCounter.objects.for_organization(org_a).filter(resource="api_calls", window="day").get()
    assert counted.count == 3
