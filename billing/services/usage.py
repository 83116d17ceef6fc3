"""Usage counters and quotas: the one place other apps count what an organization uses.

Every increment is a single `UPDATE ... SET count = count + n` (with `WHERE count <= limit - n`
when a quota applies), so parallel requests neither lose increments nor overshoot a quota.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from billing.models import Plan, Subscription, UsageCounter, UsageResource, UsageWindow
from billing.services.subscriptions import effective_plan, subscription_current
from config.api.errors import ApplicationError, ErrorCode


@dataclass(frozen=True)
class Meter:
    """How one resource is counted: in which window, against which limit field of the plan."""

    window: str
    limit_field: str | None
    error_code: str = ErrorCode.RATE_LIMITED


# Each resource's meters; the first with a limit enforces it, the others only count.
METERS: dict[str, tuple[Meter, ...]] = {
    UsageResource.SCANS: (Meter(UsageWindow.CYCLE, "scans_per_month", ErrorCode.SCAN_LIMIT_EXCEEDED),),
    UsageResource.API_CALLS: (Meter(UsageWindow.DAY, "api_calls_per_day"), Meter(UsageWindow.CYCLE, None)),
    UsageResource.AI_CALLS: (Meter(UsageWindow.CYCLE, "ai_calls_per_month"),),
    # Ingestion is limited per minute by the plan's rate (see billing.ratelimit); here it is counted.
    UsageResource.INGESTED_EVENTS: (Meter(UsageWindow.CYCLE, None),),
}


def window_bounds(
    window: str, subscription: Subscription, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    if window == UsageWindow.DAY:
        start = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return start, start + dt.timedelta(days=1)
    return subscription.billing_cycle_start, subscription.billing_cycle_end


def meter_limit(meter: Meter, plan: Plan) -> int | None:
    return getattr(plan, meter.limit_field) if meter.limit_field else None


def _check(resource: str, amount: int) -> None:
    if resource not in METERS:
        raise ValueError(f"Unknown usage resource {resource!r}; one of {', '.join(METERS)}.")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        raise ValueError(f"amount must be a positive integer, not {amount!r}.")


def _counters(organization, resource: str, subscription: Subscription, now: dt.datetime):
    """The counter rows of each meter of `resource`, created at zero when missing."""
    bounds = [window_bounds(meter.window, subscription, now) for meter in METERS[resource]]
    UsageCounter.objects.bulk_create(
        [
            UsageCounter(
                organization_id=organization.pk,
                resource=resource,
                window=meter.window,
                window_start=start,
                window_end=end,
            )
            for meter, (start, end) in zip(METERS[resource], bounds, strict=True)
        ],
        ignore_conflicts=True,
    )
    return [
        (
            meter,
            start,
            end,
            UsageCounter.objects.for_organization(organization).filter(
                resource=resource, window=meter.window, window_start=start
            ),
        )
        for meter, (start, end) in zip(METERS[resource], bounds, strict=True)
    ]


def _refuse(organization, resource: str, meter: Meter, limit: int, plan: Plan, counter, end: dt.datetime):
    used = counter.values_list("count", flat=True).first() or 0
    noun = resource.replace("_", " ")
    period = "today" if meter.window == UsageWindow.DAY else "this billing cycle"
    message = (
        f"Monthly scan limit reached ({limit} on the {plan.name} plan)."
        if meter.error_code == ErrorCode.SCAN_LIMIT_EXCEEDED
        else f"Limit of {limit} {noun} {period} reached on the {plan.name} plan."
    )
    retry_after = max(1, int((end - timezone.now()).total_seconds()))
    raise ApplicationError(
        meter.error_code,
        message,
        {"resource": resource, "limit": limit, "used": used, "plan": plan.code, "resets_at": end.isoformat()},
        headers={"Retry-After": str(retry_after)},
    )


@transaction.atomic
def quota_consume(organization, resource: str, amount: int = 1) -> None:
    """Counts `amount` of `resource`, refusing (and counting nothing) when it would pass the plan's limit.

    Scans over the month's quota raise SCAN_LIMIT_EXCEEDED (429); API calls over the day's and
    AI calls over the cycle's raise RATE_LIMITED (429).
    """
    _check(resource, amount)
    now = timezone.now()
    subscription = subscription_current(organization=organization)
    plan = effective_plan(subscription, now=now)
    for meter, _start, end, counter in _counters(organization, resource, subscription, now):
        limit = meter_limit(meter, plan)
        if limit is None:
            counter.update(count=F("count") + amount)
        elif not counter.filter(count__lte=limit - amount).update(count=F("count") + amount):
            _refuse(organization, resource, meter, limit, plan, counter, end)


@transaction.atomic
def usage_record(organization, resource: str, amount: int = 1) -> None:
    """Counts `amount` of `resource` without enforcing any limit."""
    _check(resource, amount)
    now = timezone.now()
    subscription = subscription_current(organization=organization)
    for _meter, _start, _end, counter in _counters(organization, resource, subscription, now):
        counter.update(count=F("count") + amount)
