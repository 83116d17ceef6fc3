"""Stripe webhooks: signed exactly as Stripe signs them, posted to the public endpoint."""

import datetime as dt
import time

import pytest
from django.utils import timezone
from djstripe import models as djstripe

from billing.models import StripeEventOutcome, StripeEventRecord, SubscriptionStatus
from billing.services import plan_for, quota_consume
from config.api.errors import ApplicationError
from organizations.models import AuditEvent
from tests.billing import stripe_payloads as payloads
from tests.billing.conftest import data, deliver, error, subscription_of

pytestmark = pytest.mark.django_db

T0 = int(time.time()) - 3600  # Stripe's `created` times for the story below, an hour ago
SUB, CUS = "sub_palisade1", "cus_palisade1"


def customer_created(org, created=T0):
    return payloads.event(
        "evt_cus", "customer.created", payloads.customer(CUS, org.pk, created), created=created
    )


def subscription_event(org, event_id, event_type, plan, *, created, **kwargs):
    obj = payloads.subscription(SUB, CUS, plan, organization_id=org.pk, created=T0, period_start=T0, **kwargs)
    return payloads.event(event_id, event_type, obj, created=created)


def subscribed_to_pro(api_client, org):
    """Stripe's sequence for a completed checkout: customer, subscription, session, first invoice."""
    for evt in (
        customer_created(org),
        subscription_event(org, "evt_sub_created", "customer.subscription.created", "pro", created=T0 + 1),
        payloads.event(
            "evt_checkout",
            "checkout.session.completed",
            payloads.checkout_session("cs_1", CUS, SUB, organization_id=org.pk, plan="pro", created=T0),
            created=T0 + 2,
        ),
        payloads.event(
            "evt_inv_paid",
            "invoice.payment_succeeded",
            payloads.invoice("in_0001", CUS, SUB, created=T0, paid=True),
            created=T0 + 3,
        ),
    ):
        assert data(deliver(api_client, evt))["status"] in ("processed", "ignored")


def test_checkout_flow_puts_the_organization_on_pro_and_syncs_djstripe(
    api_client, org_a, stripe_prices, fake_stripe
):
    asked_before = len(fake_stripe.requests)

    subscribed_to_pro(api_client, org_a)

    subscription = subscription_of(org_a)
    assert subscription.plan.code == "pro"
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert (subscription.stripe_customer_id, subscription.stripe_subscription_id) == (CUS, SUB)
    assert subscription.billing_cycle_start == dt.datetime.fromtimestamp(T0, tz=dt.UTC)
    # dj-stripe's tables hold what Stripe sent.
    assert djstripe.Customer.objects.get(id=CUS).stripe_data["email"] == "billing@example.com"
    synced = djstripe.Subscription.objects.get(id=SUB)
    assert synced.customer_id == CUS
    assert synced.items.get().price.id == payloads.PRICES["pro"]
    assert djstripe.Session.objects.get(id="cs_1").subscription_id == SUB
    assert djstripe.Invoice.objects.get(id="in_0001").stripe_data["status"] == "paid"
    assert set(djstripe.Event.objects.values_list("type", flat=True)) == {
        "customer.created",
        "customer.subscription.created",
        "checkout.session.completed",
        "invoice.payment_succeeded",
    }
    # Everything came from the payloads: Stripe's API was not asked for anything.
    assert fake_stripe.requests[asked_before:] == []


def test_checkout_session_completed_alone_upgrades_and_links_the_organization(
    api_client, org_a, stripe_prices
):
    deliver(api_client, customer_created(org_a))
    deliver(
        api_client, subscription_event(org_a, "evt_s", "customer.subscription.created", "pro", created=T0 + 1)
    )
    session = payloads.checkout_session(
        "cs_2", CUS, SUB, organization_id=org_a.pk, plan="enterprise", created=T0
    )

    response = deliver(
        api_client, payloads.event("evt_cs", "checkout.session.completed", session, created=T0 + 5)
    )

    assert data(response) == {
        "status": "processed",
        "event_id": "evt_cs",
        "type": "checkout.session.completed",
    }
    subscription = subscription_of(org_a)
    assert subscription.plan.code == "enterprise"
    assert subscription.stripe_subscription_id == SUB
    assert djstripe.Session.objects.filter(id="cs_2", customer_id=CUS).exists()


def test_subscription_updated_to_a_higher_price_upgrades_now(api_client, org_a, stripe_prices):
    subscribed_to_pro(api_client, org_a)

    deliver(
        api_client,
        subscription_event(org_a, "evt_up", "customer.subscription.updated", "enterprise", created=T0 + 10),
    )

    assert subscription_of(org_a).plan.code == "enterprise"
    assert plan_for(org_a).scans_per_month is None
    item = djstripe.Subscription.objects.get(id=SUB).items.get()
    assert item.price.id == payloads.PRICES["enterprise"]


def test_subscription_updated_to_a_lower_price_waits_for_the_cycle_end(api_client, org_a, stripe_prices):
    deliver(api_client, customer_created(org_a))
    deliver(
        api_client,
        subscription_event(org_a, "evt_e", "customer.subscription.created", "enterprise", created=T0 + 1),
    )

    deliver(
        api_client,
        subscription_event(org_a, "evt_down", "customer.subscription.updated", "pro", created=T0 + 10),
    )

    subscription = subscription_of(org_a)
    assert subscription.plan.code == "enterprise"
    assert subscription.pending_plan.code == "pro"


def test_cancel_at_period_end_schedules_free(api_client, org_a, stripe_prices):
    subscribed_to_pro(api_client, org_a)

    deliver(
        api_client,
        subscription_event(
            org_a,
            "evt_cancel",
            "customer.subscription.updated",
            "pro",
            created=T0 + 10,
            cancel_at_period_end=True,
        ),
    )

    subscription = subscription_of(org_a)
    assert (subscription.plan.code, subscription.pending_plan.code) == ("pro", "free")


def test_subscription_deleted_returns_the_organization_to_free(api_client, org_a, stripe_prices):
    subscribed_to_pro(api_client, org_a)
    ended = subscription_event(
        org_a, "evt_del", "customer.subscription.deleted", "pro", created=T0 + 20, status="canceled"
    )

    assert data(deliver(api_client, ended))["status"] == "processed"

    subscription = subscription_of(org_a)
    assert subscription.plan.code == "free"
    assert subscription.stripe_subscription_id == ""
    assert djstripe.Subscription.objects.get(id=SUB).stripe_data["status"] == "canceled"


def test_payment_failed_is_past_due_then_free_limits_after_the_grace_period(
    api_client, org_a, stripe_prices, settings
):
    subscribed_to_pro(api_client, org_a)
    failed = payloads.invoice("in_0002", CUS, SUB, created=T0 + 30, paid=False)

    deliver(api_client, payloads.event("evt_inv_failed", "invoice.payment_failed", failed, created=T0 + 30))

    subscription = subscription_of(org_a)
    assert subscription.status == SubscriptionStatus.PAST_DUE
    assert djstripe.Invoice.objects.get(id="in_0002").stripe_data["status"] == "open"
    # Within the grace period the paid plan's limits still apply...
    assert plan_for(org_a).code == "pro"
    for _ in range(50):
        quota_consume(org_a, "scans")
    # ...after it, the free plan's do: 50 scans were used, so the next is refused.
    subscription.past_due_since = timezone.now() - dt.timedelta(
        days=settings.BILLING_PAST_DUE_GRACE_DAYS, minutes=1
    )
    subscription.save()
    assert plan_for(org_a).code == "free"
    with pytest.raises(ApplicationError) as refused:
        quota_consume(org_a, "scans")
    assert refused.value.code == "SCAN_LIMIT_EXCEEDED"

    paid = payloads.invoice("in_0002", CUS, SUB, created=T0 + 40, paid=True)
    deliver(api_client, payloads.event("evt_inv_retry", "invoice.payment_succeeded", paid, created=T0 + 40))

    subscription = subscription_of(org_a)
    assert (subscription.status, subscription.past_due_since) == (SubscriptionStatus.ACTIVE, None)
    assert plan_for(org_a).code == "pro"
    quota_consume(org_a, "scans")


def test_the_same_event_twice_changes_nothing_the_second_time(api_client, org_a, stripe_prices):
    subscribed_to_pro(api_client, org_a)
    upgrade = subscription_event(
        org_a, "evt_twice", "customer.subscription.updated", "enterprise", created=T0 + 10
    )
    assert data(deliver(api_client, upgrade))["status"] == "processed"
    before = subscription_of(org_a)
    audits = AuditEvent.objects.for_organization(org_a).count()

    second = deliver(api_client, upgrade)

    assert data(second)["status"] == "duplicate"
    after = subscription_of(org_a)
    assert after.updated_at == before.updated_at
    assert StripeEventRecord.objects.filter(event_id="evt_twice").count() == 1
    assert djstripe.Event.objects.filter(id="evt_twice").count() == 1
    assert AuditEvent.objects.for_organization(org_a).count() == audits


def test_an_older_event_arriving_late_does_not_roll_back(api_client, org_a, stripe_prices):
    subscribed_to_pro(api_client, org_a)
    newer = subscription_event(
        org_a, "evt_new", "customer.subscription.updated", "enterprise", created=T0 + 100
    )
    older = subscription_event(org_a, "evt_old", "customer.subscription.updated", "pro", created=T0 + 50)

    deliver(api_client, newer)
    response = deliver(api_client, older)

    assert data(response)["status"] == "stale"
    assert subscription_of(org_a).plan.code == "enterprise"
    assert subscription_of(org_a).pending_plan is None
    # dj-stripe's copy was not rolled back either.
    assert djstripe.Subscription.objects.get(id=SUB).items.get().price.id == payloads.PRICES["enterprise"]
    assert StripeEventRecord.objects.get(event_id="evt_old").outcome == StripeEventOutcome.STALE


def test_a_late_payment_failure_does_not_override_a_newer_recovery(api_client, org_a, stripe_prices):
    subscribed_to_pro(api_client, org_a)
    recovered = payloads.invoice("in_0003", CUS, SUB, created=T0 + 60, paid=True)
    deliver(api_client, payloads.event("evt_ok", "invoice.payment_succeeded", recovered, created=T0 + 60))
    failed = payloads.invoice("in_0004", CUS, SUB, created=T0 + 55, paid=False)

    response = deliver(
        api_client, payloads.event("evt_late_fail", "invoice.payment_failed", failed, created=T0 + 55)
    )

    assert data(response)["status"] == "stale"
    assert subscription_of(org_a).status == SubscriptionStatus.ACTIVE


def test_events_for_another_organization_leave_this_one_alone(api_client, org_a, org_b, stripe_prices):
    subscribed_to_pro(api_client, org_a)

    assert subscription_of(org_b).plan.code == "free"
    assert subscription_of(org_b).stripe_customer_id == ""


class TestSignature:
    def _upgrade(self, org):
        return subscription_event(org, "evt_sig", "customer.subscription.created", "pro", created=T0)

    def _nothing_changed(self, org):
        assert subscription_of(org).plan.code == "free"
        assert not StripeEventRecord.objects.exists()
        assert not djstripe.Event.objects.exists()
        assert not djstripe.Subscription.objects.exists()

    def test_a_bad_signature_is_400_and_changes_nothing(self, api_client, org_a, stripe_prices):
        evt = self._upgrade(org_a)
        forged = payloads.sign(payloads.body(evt), secret="whsec_someone_else")

        response = deliver(api_client, evt, signature=forged)

        assert response.status_code == 400
        assert error(response)["code"] == "VALIDATION_ERROR"
        self._nothing_changed(org_a)

    def test_a_tampered_body_is_refused(self, api_client, org_a, stripe_prices):
        evt = self._upgrade(org_a)
        signature = payloads.sign(payloads.body(evt))
        evt["data"]["object"]["items"]["data"][0]["price"] = payloads.price("enterprise")

        assert deliver(api_client, evt, signature=signature).status_code == 400
        self._nothing_changed(org_a)

    def test_a_missing_signature_is_refused(self, api_client, org_a, stripe_prices):
        assert deliver(api_client, self._upgrade(org_a), signature="").status_code == 400
        self._nothing_changed(org_a)

    def test_a_signature_outside_the_tolerance_window_is_refused(
        self, api_client, org_a, stripe_prices, settings
    ):
        evt = self._upgrade(org_a)
        old = payloads.sign(
            payloads.body(evt), timestamp=int(time.time()) - settings.STRIPE_WEBHOOK_TOLERANCE - 60
        )

        response = deliver(api_client, evt, signature=old)

        assert response.status_code == 400
        assert "tolerance" in error(response)["details"]["reason"]
        self._nothing_changed(org_a)

    def test_the_documented_scheme_signed_by_hand_is_accepted(self, api_client, org_a, stripe_prices):
        deliver(api_client, customer_created(org_a))
        evt = self._upgrade(org_a)

        response = deliver(api_client, evt, signature=payloads.sign_by_hand(payloads.body(evt)))

        assert data(response)["status"] == "processed"
        assert subscription_of(org_a).plan.code == "pro"

    def test_without_a_configured_secret_nothing_is_accepted(self, api_client, org_a, settings):
        settings.STRIPE_WEBHOOK_SECRET = ""
        evt = self._upgrade(org_a)

        response = deliver(api_client, evt)

        assert response.status_code == 400
        assert "not configured" in error(response)["message"]
        assert subscription_of(org_a).plan.code == "free"
