"""POST /subscriptions/upgrade with Stripe configured: Stripe's official client, through dj-stripe,
against a local stand-in for api.stripe.com."""

import time

import pytest
from djstripe import models as djstripe

from billing.models import Plan
from tests.billing import stripe_payloads as payloads
from tests.billing.conftest import data, deliver, error, subscription_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/subscriptions/upgrade"
T0 = int(time.time()) - 600


def on_stripe_pro(api_client, org, fake_stripe):
    """The organization pays for pro through a Stripe subscription (as its webhooks reported)."""
    sub = payloads.subscription(
        "sub_live1", "cus_live1", "pro", organization_id=org.pk, created=T0, period_start=T0
    )
    fake_stripe.put(sub)
    deliver(
        api_client,
        payloads.event("evt_c", "customer.created", payloads.customer("cus_live1", org.pk, T0), created=T0),
    )
    deliver(api_client, payloads.event("evt_s", "customer.subscription.created", sub, created=T0 + 1))
    assert subscription_of(org).plan.code == "pro"


def test_without_a_stripe_subscription_an_upgrade_opens_a_checkout_session(
    client_a, org_a, admin_a, fake_stripe, stripe_prices
):
    body = data(client_a.post(URL, {"new_plan": "pro"}, format="json"))

    assert body["mode"] == "stripe_checkout"
    assert body["takes_effect"] == "after_checkout"
    assert body["checkout_url"].startswith("https://checkout.stripe.com/")
    assert body["plan"] == "free"  # until Stripe confirms the payment
    ((_method, _path, sent),) = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert sent["mode"] == "subscription"
    assert sent["line_items"] == [{"price": payloads.PRICES["pro"], "quantity": "1"}]
    assert sent["client_reference_id"] == str(org_a.pk)
    assert sent["metadata"] == {"organization_id": str(org_a.pk), "plan": "pro"}
    assert sent["customer_email"] == admin_a.user.email
    assert djstripe.Session.objects.filter(id=body["checkout_session_id"]).exists()
    assert subscription_of(org_a).plan.code == "free"


def test_with_a_stripe_subscription_an_upgrade_updates_it_at_stripe(
    api_client, client_a, org_a, fake_stripe, stripe_prices
):
    on_stripe_pro(api_client, org_a, fake_stripe)

    body = data(client_a.post(URL, {"new_plan": "enterprise"}, format="json"))

    assert (body["mode"], body["plan"], body["takes_effect"]) == (
        "stripe_subscription",
        "enterprise",
        "immediately",
    )
    ((_method, _path, sent),) = fake_stripe.calls("POST", "/v1/subscriptions/sub_live1")
    assert sent["items"] == [{"id": "si_sub_live1", "price": payloads.PRICES["enterprise"]}]
    assert sent["proration_behavior"] == "create_prorations"
    assert (
        djstripe.Subscription.objects.get(id="sub_live1").items.get().price.id
        == payloads.PRICES["enterprise"]
    )
    # Stripe's own notice of the change, created before it, must not undo it.
    stale = payloads.subscription(
        "sub_live1", "cus_live1", "pro", organization_id=org_a.pk, created=T0, period_start=T0
    )
    assert (
        data(
            deliver(
                api_client, payloads.event("evt_late", "customer.subscription.updated", stale, created=T0 + 5)
            )
        )["status"]
        == "stale"
    )
    assert subscription_of(org_a).plan.code == "enterprise"


def test_downgrading_to_free_cancels_at_period_end(api_client, client_a, org_a, fake_stripe, stripe_prices):
    on_stripe_pro(api_client, org_a, fake_stripe)

    body = data(client_a.post(URL, {"new_plan": "free"}, format="json"))

    assert (body["plan"], body["pending_plan"], body["takes_effect"]) == ("pro", "free", "at_cycle_end")
    ((_method, _path, sent),) = fake_stripe.calls("POST", "/v1/subscriptions/sub_live1")
    assert sent["cancel_at_period_end"] == "true"
    assert djstripe.Subscription.objects.get(id="sub_live1").cancel_at_period_end is True


def test_a_plan_without_a_stripe_price_is_refused_before_calling_stripe(
    client_a, org_a, fake_stripe, stripe_prices
):
    Plan.objects.filter(code="enterprise").update(stripe_price_id="")
    asked_before = len(fake_stripe.requests)

    response = client_a.post(URL, {"new_plan": "enterprise"}, format="json")

    assert response.status_code == 409
    assert error(response)["code"] == "CONFLICT"
    assert fake_stripe.requests[asked_before:] == []
    assert subscription_of(org_a).plan.code == "free"
