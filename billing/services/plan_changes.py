"""Changing an organization's plan: upgrades now, downgrades at the end of the cycle.

Embedded default (no STRIPE_SECRET_KEY): the plan changes here and now. With Stripe: an
organization without a Stripe subscription goes through Stripe Checkout (the plan changes
when Stripe's webhook confirms it); one with a subscription has it updated at Stripe.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from billing import selectors
from billing.models import Plan, Subscription
from billing.services import stripe_gateway
from billing.services.subscriptions import default_plan, subscription_changed, subscription_current
from config.api.errors import ApplicationError, ErrorCode
from organizations.services import audit_record

PLAN_CHANGED = "billing.plan_changed"
DOWNGRADE_SCHEDULED = "billing.downgrade_scheduled"
CHECKOUT_STARTED = "billing.checkout_started"


class ChangeMode:
    EMBEDDED = "embedded"
    STRIPE_CHECKOUT = "stripe_checkout"
    STRIPE_SUBSCRIPTION = "stripe_subscription"


class Takes:
    IMMEDIATELY = "immediately"
    AT_CYCLE_END = "at_cycle_end"
    AFTER_CHECKOUT = "after_checkout"


@dataclass
class PlanChange:
    subscription: Subscription
    requested_plan: Plan
    mode: str
    takes_effect: str
    effective_at: dt.datetime | None
    message: str
    checkout_url: str = ""
    checkout_session_id: str = ""
    usage_over_new_limits: list[dict] = field(default_factory=list)


def _save(subscription: Subscription, *fields: str) -> None:
    subscription.save(update_fields=[*fields, "updated_at"])
    subscription_changed(subscription)


@transaction.atomic
def subscription_change_plan(*, organization, new_plan: str, actor, request=None) -> PlanChange:
    """Moves the organization to `new_plan` (a plan code). Only admins reach this (the view checks)."""
    plan = selectors.plan_by_code(new_plan)
    if plan is None:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"new_plan: unknown plan {new_plan!r}.",
            {
                "fields": {
                    "new_plan": [f"Choose one of: {', '.join(p.code for p in selectors.plans_list())}."]
                }
            },
        )
    subscription = subscription_current(organization=organization)
    subscription = (
        Subscription.objects.for_organization(organization)
        .select_for_update()
        .select_related("plan", "pending_plan")
        .get(pk=subscription.pk)
    )
    current = subscription.plan
    stripe_mode = stripe_gateway.stripe_configured()

    if plan.pk == current.pk:
        if subscription.pending_plan_id is None:
            raise ApplicationError(
                ErrorCode.CONFLICT,
                f"The organization is already on the {plan.name} plan.",
                {"plan": plan.code},
            )
        return _cancel_pending(subscription, plan, actor, request, stripe_mode)
    if plan.rank > current.rank:
        return _upgrade(subscription, plan, actor, request, stripe_mode)
    return _downgrade(subscription, plan, actor, request, stripe_mode)


def _audit(action: str, subscription: Subscription, actor, request, **metadata) -> None:
    audit_record(
        action=action,
        organization=subscription.organization,
        actor=actor,
        target=subscription,
        request=request,
        metadata=metadata,
    )


def _cancel_pending(subscription, plan, actor, request, stripe_mode) -> PlanChange:
    """Choosing the current plan again drops a scheduled downgrade."""
    dropped = subscription.pending_plan
    if stripe_mode and subscription.stripe_subscription_id:
        stripe_gateway.stripe_subscription_set_plan(subscription=subscription, plan=plan, prorate=False)
    subscription.pending_plan = None
    _save(subscription, "pending_plan")
    _audit(PLAN_CHANGED, subscription, actor, request, kept=plan.code, dropped_downgrade=dropped.code)
    return PlanChange(
        subscription=subscription,
        requested_plan=plan,
        mode=ChangeMode.STRIPE_SUBSCRIPTION
        if stripe_mode and subscription.stripe_subscription_id
        else ChangeMode.EMBEDDED,
        takes_effect=Takes.IMMEDIATELY,
        effective_at=timezone.now(),
        message=f"The scheduled downgrade to {dropped.name} was cancelled; the {plan.name} plan continues.",
    )


def _upgrade(subscription, plan, actor, request, stripe_mode) -> PlanChange:
    previous = subscription.plan
    if stripe_mode and not subscription.stripe_subscription_id:
        session = stripe_gateway.checkout_session_create(subscription=subscription, plan=plan, actor=actor)
        _audit(CHECKOUT_STARTED, subscription, actor, request, plan=plan.code, checkout_session=session.id)
        return PlanChange(
            subscription=subscription,
            requested_plan=plan,
            mode=ChangeMode.STRIPE_CHECKOUT,
            takes_effect=Takes.AFTER_CHECKOUT,
            effective_at=None,
            checkout_url=session.stripe_data.get("url") or "",
            checkout_session_id=session.id,
            message=f"Complete the payment at checkout_url; the {plan.name} plan starts when Stripe confirms it.",
        )
    mode = ChangeMode.EMBEDDED
    if stripe_mode:
        stripe_gateway.stripe_subscription_set_plan(subscription=subscription, plan=plan, prorate=True)
        # Stripe has the change; its webhook events created before now must not undo it.
        subscription.stripe_synced_at = timezone.now()
        mode = ChangeMode.STRIPE_SUBSCRIPTION
    subscription.plan = plan
    subscription.pending_plan = None
    _save(subscription, "plan", "pending_plan", "stripe_synced_at")
    _audit(
        PLAN_CHANGED, subscription, actor, request, **{"from": previous.code, "to": plan.code, "mode": mode}
    )
    where = (
        "Stripe subscription updated (prorated)"
        if stripe_mode
        else "Stripe is not configured: plan changed directly"
    )
    return PlanChange(
        subscription=subscription,
        requested_plan=plan,
        mode=mode,
        takes_effect=Takes.IMMEDIATELY,
        effective_at=timezone.now(),
        message=f"Upgraded to {plan.name}. {where}.",
    )


def _downgrade(subscription, plan, actor, request, stripe_mode) -> PlanChange:
    mode = ChangeMode.EMBEDDED
    if stripe_mode and subscription.stripe_subscription_id:
        if plan.pk == default_plan().pk:
            stripe_gateway.stripe_subscription_cancel_at_period_end(subscription=subscription)
        else:
            stripe_gateway.stripe_subscription_set_plan(subscription=subscription, plan=plan, prorate=False)
        mode = ChangeMode.STRIPE_SUBSCRIPTION
    subscription.pending_plan = plan
    _save(subscription, "pending_plan")
    over = selectors.usage_over_limits(subscription=subscription, plan=plan)
    _audit(
        DOWNGRADE_SCHEDULED,
        subscription,
        actor,
        request,
        **{"from": subscription.plan.code, "to": plan.code, "at": subscription.billing_cycle_end.isoformat()},
    )
    where = "" if stripe_mode else " Stripe is not configured: the change is applied directly at that time."
    return PlanChange(
        subscription=subscription,
        requested_plan=plan,
        mode=mode,
        takes_effect=Takes.AT_CYCLE_END,
        effective_at=subscription.billing_cycle_end,
        usage_over_new_limits=over,
        message=(
            f"Downgrade to {plan.name} scheduled for the end of the billing cycle; "
            f"{subscription.plan.name} limits apply until then.{where}"
        ),
    )
