"""The organization's subscription: created on free, rolled into each new billing cycle, and
the plan whose limits apply now (free once a past_due subscription's grace period is over)."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from billing.models import Plan, Subscription, SubscriptionStatus
from config.api.errors import ApplicationError, ErrorCode

# Statuses under which the paid plan's limits no longer apply.
_LAPSED = {SubscriptionStatus.CANCELED, SubscriptionStatus.UNPAID, SubscriptionStatus.INCOMPLETE}


def add_month(moment: dt.datetime) -> dt.datetime:
    """The same day and time one month later, clamped to the end of a shorter month."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def default_plan() -> Plan:
    """The plan every organization starts on and falls back to: the lowest-ranked active plan."""
    plan = Plan.objects.filter(is_active=True).order_by("rank").first()
    if plan is None:
        raise ApplicationError(ErrorCode.INTERNAL_ERROR, "No active plan is configured.")
    return plan


def rates_cache_key(organization_id) -> str:
    return f"billing:rates:{organization_id}"


def subscription_changed(subscription: Subscription) -> None:
    """Forget what was derived from the subscription (the plan's request rates)."""
    key = rates_cache_key(subscription.organization_id)
    cache.delete(key)
    # Again after commit: a request in between may have cached the rates from before the change.
    transaction.on_commit(lambda: cache.delete(key))


def subscription_ensure(*, organization) -> Subscription:
    """The organization's subscription; a new one on the default (free) plan if it has none."""
    subscription = (
        Subscription.objects.for_organization(organization).select_related("plan", "pending_plan").first()
    )
    if subscription is not None:
        return subscription
    now = timezone.now()
    with transaction.atomic():
        Subscription.objects.bulk_create(
            [
                Subscription(
                    organization_id=organization.pk,
                    plan=default_plan(),
                    billing_cycle_start=now,
                    billing_cycle_end=add_month(now),
                )
            ],
            ignore_conflicts=True,  # a parallel request may have created it: exactly one survives
        )
    return Subscription.objects.for_organization(organization).select_related("plan", "pending_plan").get()


def _roll_cycles(subscription: Subscription, now: dt.datetime) -> bool:
    """Moves a subscription whose cycle ended into the current one, applying a scheduled downgrade.

    A conditional UPDATE (on the old cycle end) makes it safe when several requests do it at once.
    """
    if subscription.billing_cycle_end > now:
        return False
    start, end = subscription.billing_cycle_start, subscription.billing_cycle_end
    while end <= now:
        start, end = end, add_month(end)
    plan_id = subscription.pending_plan_id or subscription.plan_id
    Subscription.objects.for_organization(subscription.organization_id).filter(
        pk=subscription.pk, billing_cycle_end=subscription.billing_cycle_end
    ).update(
        billing_cycle_start=start, billing_cycle_end=end, plan_id=plan_id, pending_plan=None, updated_at=now
    )
    subscription_changed(subscription)
    return True


def subscription_current(*, organization) -> Subscription:
    """The organization's subscription, in its current billing cycle."""
    subscription = subscription_ensure(organization=organization)
    if _roll_cycles(subscription, timezone.now()):
        subscription = (
            Subscription.objects.for_organization(organization).select_related("plan", "pending_plan").get()
        )
    return subscription


def grace_period_end(subscription: Subscription) -> dt.datetime | None:
    if subscription.status != SubscriptionStatus.PAST_DUE or subscription.past_due_since is None:
        return None
    return subscription.past_due_since + dt.timedelta(days=settings.BILLING_PAST_DUE_GRACE_DAYS)


def effective_plan(subscription: Subscription, *, now: dt.datetime | None = None) -> Plan:
    """The plan whose limits apply now: the subscribed one, or the default once payment lapsed."""
    now = now or timezone.now()
    if subscription.status in _LAPSED:
        return default_plan()
    grace_end = grace_period_end(subscription)
    if grace_end is not None and now >= grace_end:
        return default_plan()
    return subscription.plan


def plan_for(organization) -> Plan:
    """The plan whose limits and features apply to the organization right now."""
    return effective_plan(subscription_current(organization=organization))


# The plan's `includes_<feature>` flags.
FEATURES = tuple(
    field.name.removeprefix("includes_") for field in Plan._meta.fields if field.name.startswith("includes_")
)


def feature_require(organization, feature: str) -> Plan:
    """Raises SUBSCRIPTION_REQUIRED (403) unless the organization's plan includes `feature`."""
    if feature not in FEATURES:
        raise ValueError(f"Unknown feature {feature!r}; one of {', '.join(FEATURES)}.")
    plan = plan_for(organization)
    if plan.includes(feature):
        return plan
    upgrades = list(
        Plan.objects.filter(is_active=True, **{f"includes_{feature}": True})
        .order_by("rank")
        .values_list("code", flat=True)
    )
    raise ApplicationError(
        ErrorCode.SUBSCRIPTION_REQUIRED,
        f"The {plan.name} plan does not include {feature.replace('_', ' ')}; upgrade to use it.",
        {"feature": feature, "plan": plan.code, "available_on": upgrades},
    )
