"""Calls to Stripe, all through dj-stripe's models and Stripe's official library.

Used only when STRIPE_SECRET_KEY is set; the embedded default never reaches this module.
"""

from __future__ import annotations

from django.conf import settings

from billing.models import Plan, Subscription
from config.api.errors import ApplicationError, ErrorCode


def stripe_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def _price_of(plan: Plan) -> str:
    if not plan.stripe_price_id:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"The {plan.name} plan has no Stripe price configured; an operator must set it in the admin.",
            {"plan": plan.code},
        )
    return plan.stripe_price_id


def checkout_session_create(*, subscription: Subscription, plan: Plan, actor):
    """A Stripe Checkout session subscribing the organization to `plan`, synced into dj-stripe."""
    from djstripe.models import Session

    api_key = settings.STRIPE_SECRET_KEY
    metadata = {"organization_id": str(subscription.organization_id), "plan": plan.code}
    params: dict = {
        "mode": "subscription",
        "line_items": [{"price": _price_of(plan), "quantity": 1}],
        "success_url": settings.STRIPE_CHECKOUT_SUCCESS_URL,
        "cancel_url": settings.STRIPE_CHECKOUT_CANCEL_URL,
        "client_reference_id": str(subscription.organization_id),
        "metadata": metadata,
        "subscription_data": {"metadata": metadata},
    }
    if subscription.stripe_customer_id:
        params["customer"] = subscription.stripe_customer_id
    elif getattr(actor, "email", ""):
        params["customer_email"] = actor.email
    session = Session._api_create(api_key=api_key, livemode=settings.STRIPE_LIVE_MODE, **params)
    return Session.sync_from_stripe_data(session, api_key=api_key)


def _stripe_subscription(subscription: Subscription):
    from djstripe.models import Subscription as StripeSubscription

    return StripeSubscription._get_or_retrieve(
        id=subscription.stripe_subscription_id, api_key=settings.STRIPE_SECRET_KEY
    )


def stripe_subscription_set_plan(*, subscription: Subscription, plan: Plan, prorate: bool):
    """Moves the Stripe subscription to `plan`'s price (prorated for upgrades), synced into dj-stripe."""
    stripe_subscription = _stripe_subscription(subscription)
    items = (stripe_subscription.stripe_data.get("items") or {}).get("data") or []
    if not items:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            "The Stripe subscription has no item to change.",
            {"stripe_subscription": subscription.stripe_subscription_id},
        )
    return stripe_subscription.update(
        api_key=settings.STRIPE_SECRET_KEY,
        items=[{"id": items[0]["id"], "price": _price_of(plan)}],
        proration_behavior="create_prorations" if prorate else "none",
        cancel_at_period_end=False,
        metadata={"organization_id": str(subscription.organization_id), "plan": plan.code},
    )


def stripe_subscription_cancel_at_period_end(*, subscription: Subscription):
    """Ends the paid Stripe subscription when the current period ends (a downgrade to free)."""
    stripe_subscription = _stripe_subscription(subscription)
    return stripe_subscription.update(api_key=settings.STRIPE_SECRET_KEY, cancel_at_period_end=True)


def stripe_period(stripe_subscription) -> tuple[int | None, int | None]:
    """The current period of a Stripe subscription (on the subscription, or on its items since 2025-03)."""
    data = stripe_subscription if isinstance(stripe_subscription, dict) else stripe_subscription.stripe_data
    start, end = data.get("current_period_start"), data.get("current_period_end")
    items = (data.get("items") or {}).get("data") or []
    if (start is None or end is None) and items:
        start, end = items[0].get("current_period_start"), items[0].get("current_period_end")
    return start, end


def stripe_price_id(data: dict) -> str:
    items = (data.get("items") or {}).get("data") or []
    if not items:
        return ""
    price = items[0].get("price") or items[0].get("plan") or {}
    return price.get("id", "") if isinstance(price, dict) else str(price)
