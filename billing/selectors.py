"""Reads of the billing domain: plans, a subscription's summary, usage against the plan's limits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from billing.models import Plan, Subscription, UsageCounter, UsageResource
from billing.services.subscriptions import effective_plan, grace_period_end
from billing.services.usage import METERS, meter_limit, window_bounds
from organizations.models import Membership


def plans_list() -> QuerySet[Plan]:
    return Plan.objects.filter(is_active=True).order_by("rank")


def plan_by_code(code: str) -> Plan | None:
    return Plan.objects.filter(code=code, is_active=True).first()


@dataclass(frozen=True)
class UsageLine:
    resource: str
    window: str
    window_start: dt.datetime
    window_end: dt.datetime
    used: int
    limit: int | None

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)

    @property
    def over_limit(self) -> bool:
        return self.limit is not None and self.used > self.limit


def seats_used(*, organization) -> int:
    return Membership.objects.for_organization(organization).filter(is_active=True).count()


def usage_lines(*, subscription: Subscription, plan: Plan, now: dt.datetime | None = None) -> list[UsageLine]:
    """Each resource's use in its current window(s), against `plan`'s limits (one query)."""
    now = now or timezone.now()
    counts = {
        (row.resource, row.window, row.window_start): row.count
        for row in UsageCounter.objects.for_organization(subscription.organization_id).filter(
            window_end__gt=now, window_start__lte=now
        )
    }
    lines = []
    for resource in UsageResource.values:
        for meter in METERS[resource]:
            start, end = window_bounds(meter.window, subscription, now)
            lines.append(
                UsageLine(
                    resource=resource,
                    window=meter.window,
                    window_start=start,
                    window_end=end,
                    used=counts.get((resource, meter.window, start), 0),
                    limit=meter_limit(meter, plan),
                )
            )
    return lines


def usage_over_limits(*, subscription: Subscription, plan: Plan) -> list[dict]:
    """What the organization uses beyond `plan`'s limits (counters, and seats)."""
    over = [
        {"resource": line.resource, "window": line.window, "used": line.used, "limit": line.limit}
        for line in usage_lines(subscription=subscription, plan=plan)
        if line.over_limit
    ]
    seats = seats_used(organization=subscription.organization_id)
    if plan.seats is not None and seats > plan.seats:
        over.append({"resource": "seats", "window": "current", "used": seats, "limit": plan.seats})
    return over


@dataclass(frozen=True)
class SubscriptionSummary:
    subscription: Subscription
    plan: Plan
    effective_plan: Plan
    scans_used: int
    grace_period_ends_at: dt.datetime | None


def subscription_summary(*, subscription: Subscription) -> SubscriptionSummary:
    now = timezone.now()
    plan = effective_plan(subscription, now=now)
    start, _end = window_bounds(METERS[UsageResource.SCANS][0].window, subscription, now)
    scans_used = (
        UsageCounter.objects.for_organization(subscription.organization_id)
        .filter(
            resource=UsageResource.SCANS, window=METERS[UsageResource.SCANS][0].window, window_start=start
        )
        .values_list("count", flat=True)
        .first()
    )
    return SubscriptionSummary(
        subscription=subscription,
        plan=subscription.plan,
        effective_plan=plan,
        scans_used=scans_used or 0,
        grace_period_ends_at=grace_period_end(subscription),
    )


@dataclass(frozen=True)
class UsageReport:
    organization_id: object
    plan: str
    limits_plan: str
    billing_cycle_start: dt.datetime
    billing_cycle_end: dt.datetime
    usage: list[UsageLine]
    pending_plan: str | None
    usage_over_pending_plan: list[dict]


def usage_report(*, subscription: Subscription) -> UsageReport:
    plan = effective_plan(subscription)
    pending = subscription.pending_plan
    return UsageReport(
        organization_id=subscription.organization_id,
        plan=subscription.plan.code,
        limits_plan=plan.code,
        billing_cycle_start=subscription.billing_cycle_start,
        billing_cycle_end=subscription.billing_cycle_end,
        usage=usage_lines(subscription=subscription, plan=plan),
        pending_plan=pending.code if pending else None,
        usage_over_pending_plan=usage_over_limits(subscription=subscription, plan=pending) if pending else [],
    )
