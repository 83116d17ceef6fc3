"""Stripe webhook events: verified with Stripe's library, synced into dj-stripe, applied once.

- The signature (`Stripe-Signature`, within STRIPE_WEBHOOK_TOLERANCE seconds) is checked before
  anything is read or written; a bad one is a VALIDATION_ERROR and changes nothing.
- Each event id is recorded in the same transaction as its effects: a second delivery finds it
  and changes nothing.
- Events carry Stripe's `created` time. An event older than one already applied to the same
  Stripe object, or to the organization's subscription, is recorded as stale and not applied,
  so late deliveries never roll a subscription back.
- The event's object is synced into dj-stripe's tables from the (complete) payload; dj-stripe
  fetches from Stripe only objects it references but has never seen.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing.models import Plan, StripeEventOutcome, StripeEventRecord, Subscription, SubscriptionStatus
from billing.services.stripe_gateway import stripe_period, stripe_price_id
from billing.services.subscriptions import add_month, default_plan, subscription_changed, subscription_ensure
from config.api.errors import ApplicationError, ErrorCode
from organizations.models import Organization
from organizations.services import audit_record

logger = logging.getLogger(__name__)

STRIPE_EVENT_APPLIED = "billing.stripe_event"


@dataclass(frozen=True)
class WebhookResult:
    event_id: str
    type: str
    status: str  # processed | duplicate | stale | ignored | unmatched


def _verified_event(payload: bytes, signature: str | None):
    if not (settings.STRIPE_WEBHOOK_SECRET and settings.STRIPE_SECRET_KEY):
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "Stripe webhooks are not configured here (STRIPE_WEBHOOK_SECRET and STRIPE_SECRET_KEY).",
        )
    try:
        return stripe.Webhook.construct_event(
            payload,
            signature,
            settings.STRIPE_WEBHOOK_SECRET,
            tolerance=settings.STRIPE_WEBHOOK_TOLERANCE,
            api_key=settings.STRIPE_SECRET_KEY,
        )
    except stripe.SignatureVerificationError as exc:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, "The Stripe-Signature header does not verify.", {"reason": str(exc)}
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, "The body is not a Stripe event.", {"reason": str(exc)}
        ) from None


def _djstripe_model(object_type: str):
    from djstripe import models as djstripe_models

    return {
        "checkout.session": djstripe_models.Session,
        "customer": djstripe_models.Customer,
        "subscription": djstripe_models.Subscription,
        "invoice": djstripe_models.Invoice,
        "product": djstripe_models.Product,
        "price": djstripe_models.Price,
    }.get(object_type)


def _timestamp(value) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(value, tz=dt.UTC) if value else None


def stripe_webhook_process(*, payload: bytes, signature: str | None) -> WebhookResult:
    event = _verified_event(payload, signature)
    raw = json.loads(payload)
    obj = raw.get("data", {}).get("object") or {}
    created = _timestamp(raw.get("created")) or timezone.now()
    api_key = settings.STRIPE_SECRET_KEY
    from djstripe.models import Event as DjstripeEvent

    with transaction.atomic():
        record, fresh = StripeEventRecord.objects.get_or_create(
            event_id=raw["id"],
            defaults={
                "type": raw.get("type", ""),
                "object_id": obj.get("id", ""),
                "event_created": created,
                "outcome": StripeEventOutcome.IGNORED,
            },
        )
        if not fresh:
            return WebhookResult(record.event_id, record.type, "duplicate")
        DjstripeEvent.sync_from_stripe_data(event, api_key=api_key)
        newer_seen = (
            StripeEventRecord.objects.filter(object_id=record.object_id, event_created__gt=created)
            .exclude(pk=record.pk)
            .exists()
            if record.object_id
            else False
        )
        if newer_seen:
            record.outcome = StripeEventOutcome.STALE
        else:
            model = _djstripe_model(obj.get("object", ""))
            if model is not None:
                model.sync_from_stripe_data(event["data"]["object"], api_key=api_key)
            handler = HANDLERS.get(record.type)
            if handler is not None:
                record.outcome = handler(obj, created, raw)
        record.save(update_fields=["outcome"])
    status = "processed" if record.outcome == StripeEventOutcome.APPLIED else record.outcome
    return WebhookResult(record.event_id, record.type, status)


# Locating the organization's subscription (a cross-tenant entry point: Stripe names it).


def _as_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _locked_subscription(
    *, organization_id=None, stripe_subscription_id="", stripe_customer_id=""
) -> Subscription | None:
    subscriptions = Subscription.objects.unscoped().select_for_update().select_related("plan", "pending_plan")
    organization_id = _as_uuid(organization_id)
    if organization_id is not None:
        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is not None:
            subscription_ensure(organization=organization)
            return subscriptions.get(organization_id=organization_id)
    if stripe_subscription_id:
        found = subscriptions.filter(stripe_subscription_id=stripe_subscription_id).first()
        if found is not None:
            return found
    if stripe_customer_id:
        return subscriptions.filter(stripe_customer_id=stripe_customer_id).first()
    return None


def _id(value) -> str:
    if isinstance(value, dict):
        return value.get("id", "")
    return value or ""


def _is_stale(subscription: Subscription, created: dt.datetime) -> bool:
    return subscription.stripe_synced_at is not None and created < subscription.stripe_synced_at


def _commit(subscription: Subscription, created: dt.datetime, event: dict, **changes) -> str:
    before = {name: getattr(subscription, name) for name in changes}
    for name, value in changes.items():
        setattr(subscription, name, value)
    subscription.stripe_synced_at = created
    subscription.save()
    subscription_changed(subscription)
    changed = {
        name: {
            "from": str(getattr(old, "code", old)),
            "to": str(getattr(changes[name], "code", changes[name])),
        }
        for name, old in before.items()
        if old != changes[name]
    }
    if changed:
        audit_record(
            action=STRIPE_EVENT_APPLIED,
            organization=subscription.organization,
            actor_email="stripe",
            target=subscription,
            metadata={"event": event.get("id"), "type": event.get("type"), "changes": changed},
        )
    return StripeEventOutcome.APPLIED


def _on_checkout_completed(session: dict, created: dt.datetime, event: dict) -> str:
    metadata = session.get("metadata") or {}
    subscription = _locked_subscription(
        organization_id=metadata.get("organization_id") or session.get("client_reference_id"),
        stripe_customer_id=_id(session.get("customer")),
    )
    if subscription is None:
        return StripeEventOutcome.UNMATCHED
    if _is_stale(subscription, created):
        return StripeEventOutcome.STALE
    plan = Plan.objects.filter(code=metadata.get("plan", "")).first() or subscription.plan
    return _commit(
        subscription,
        created,
        event,
        plan=plan,
        pending_plan=None,
        status=SubscriptionStatus.ACTIVE,
        past_due_since=None,
        stripe_customer_id=_id(session.get("customer")) or subscription.stripe_customer_id,
        stripe_subscription_id=_id(session.get("subscription")) or subscription.stripe_subscription_id,
    )


def _ended(subscription: Subscription, created: dt.datetime, event: dict) -> str:
    """The paid subscription is over: back to the default plan, in a fresh cycle."""
    now = timezone.now()
    return _commit(
        subscription,
        created,
        event,
        plan=default_plan(),
        pending_plan=None,
        status=SubscriptionStatus.ACTIVE,
        past_due_since=None,
        stripe_subscription_id="",
        billing_cycle_start=now,
        billing_cycle_end=add_month(now),
    )


_STATUS = {
    "active": SubscriptionStatus.ACTIVE,
    "trialing": SubscriptionStatus.TRIALING,
    "past_due": SubscriptionStatus.PAST_DUE,
    "unpaid": SubscriptionStatus.UNPAID,
}


def _on_subscription(data: dict, created: dt.datetime, event: dict) -> str:
    metadata = data.get("metadata") or {}
    subscription = _locked_subscription(
        organization_id=metadata.get("organization_id"),
        stripe_subscription_id=data.get("id", ""),
        stripe_customer_id=_id(data.get("customer")),
    )
    if subscription is None:
        return StripeEventOutcome.UNMATCHED
    if _is_stale(subscription, created):
        return StripeEventOutcome.STALE
    if event.get("type") == "customer.subscription.deleted" or data.get("status") in (
        "canceled",
        "incomplete_expired",
    ):
        if subscription.stripe_subscription_id not in ("", data.get("id")):
            return StripeEventOutcome.IGNORED  # an older Stripe subscription of this organization
        return _ended(subscription, created, event)
    status = _STATUS.get(data.get("status", ""))
    if status is None:  # incomplete or paused: not paid for yet, nothing changes
        return StripeEventOutcome.IGNORED

    changes: dict = {
        "status": status,
        "stripe_subscription_id": data.get("id", ""),
        "stripe_customer_id": _id(data.get("customer")) or subscription.stripe_customer_id,
        "past_due_since": (subscription.past_due_since or created)
        if status == SubscriptionStatus.PAST_DUE
        else None,
    }
    period_start, period_end = (_timestamp(value) for value in stripe_period(data))
    price_plan = (
        Plan.objects.filter(stripe_price_id=stripe_price_id(data)).first() if stripe_price_id(data) else None
    )
    plan, pending = subscription.plan, subscription.pending_plan
    if period_start and period_end and period_start >= subscription.billing_cycle_end:
        # Stripe moved into a new period: a scheduled downgrade takes effect now.
        plan, pending = price_plan or pending or plan, None
    elif price_plan is not None and price_plan.rank > plan.rank:
        plan, pending = price_plan, None
    elif price_plan is not None and price_plan.rank < plan.rank:
        pending = price_plan  # paid until the cycle ends
    if data.get("cancel_at_period_end"):
        pending = default_plan()
    elif pending is not None and pending.pk == default_plan().pk and price_plan is not None:
        pending = None  # the cancellation was withdrawn
    changes.update(plan=plan, pending_plan=pending)
    if period_start and period_end:
        changes.update(billing_cycle_start=period_start, billing_cycle_end=period_end)
    return _commit(subscription, created, event, **changes)


def _invoice_subscription_id(invoice: dict) -> str:
    parent = (invoice.get("parent") or {}).get("subscription_details") or {}
    return _id(parent.get("subscription")) or _id(invoice.get("subscription"))


def _invoice_subscription(invoice: dict) -> Subscription | None:
    return _locked_subscription(
        organization_id=((invoice.get("parent") or {}).get("subscription_details") or {})
        .get("metadata", {})
        .get("organization_id"),
        stripe_subscription_id=_invoice_subscription_id(invoice),
        stripe_customer_id=_id(invoice.get("customer")),
    )


def _on_payment_failed(invoice: dict, created: dt.datetime, event: dict) -> str:
    subscription = _invoice_subscription(invoice)
    if subscription is None:
        return StripeEventOutcome.UNMATCHED
    if _is_stale(subscription, created):
        return StripeEventOutcome.STALE
    return _commit(
        subscription,
        created,
        event,
        status=SubscriptionStatus.PAST_DUE,
        past_due_since=subscription.past_due_since or created,
    )


def _on_payment_succeeded(invoice: dict, created: dt.datetime, event: dict) -> str:
    subscription = _invoice_subscription(invoice)
    if subscription is None:
        return StripeEventOutcome.UNMATCHED
    if _is_stale(subscription, created):
        return StripeEventOutcome.STALE
    return _commit(subscription, created, event, status=SubscriptionStatus.ACTIVE, past_due_since=None)


HANDLERS = {
    "checkout.session.completed": _on_checkout_completed,
    "customer.subscription.created": _on_subscription,
    "customer.subscription.updated": _on_subscription,
    "customer.subscription.deleted": _on_subscription,
    "invoice.payment_succeeded": _on_payment_succeeded,
    "invoice.payment_failed": _on_payment_failed,
}
