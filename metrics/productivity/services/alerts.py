"""Alert rules on productivity metrics, evaluated when data arrives.

A rule watches the sum of one metric type (for the organization, a team or a user) per window of
`window_minutes`, windows aligned on the Unix epoch (a 60-minute window is a clock hour, UTC).

- threshold: fires when the window's sum is above (or below) `threshold`;
- deviation: the baseline is the sums of the `baseline_windows` windows before it (empty ones
  count 0); mean = sum / n, stddev = sqrt(sum((x - mean)^2) / n) (population); the bound is
  mean + N x stddev (above) or mean - N x stddev (below); `both` watches either bound. Until at
  least half of the baseline windows hold data the rule does not fire (a new metric has no
  baseline to deviate from).

A rule fires at most once per window (a unique row per rule and window), so one spike is one
alert however many batches land in its window. Firing publishes `alert_triggered` to the
`alerts` room and the `alert.triggered` webhook event.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

import realtime
from metrics.productivity.models import (
    AlertCondition,
    AlertDirection,
    AlertRule,
    ProductivityAlert,
    ProductivityMetric,
)

AFFECTED_USERS_LIMIT = 50
# A batch spanning a long history (a backfill) is evaluated on its latest windows only.
MAX_WINDOWS_PER_BATCH = 48


def window_start(moment: datetime, minutes: int) -> datetime:
    size = minutes * 60
    seconds = int(moment.timestamp())
    return datetime.fromtimestamp(seconds - seconds % size, tz=UTC)


@transaction.atomic
def alert_rule_create(*, organization, created_by, **values) -> AlertRule:
    rule = AlertRule(organization=organization, created_by=created_by, **values)
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def alert_rule_update(*, rule: AlertRule, changes: dict) -> AlertRule:
    for name, value in changes.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def alert_acknowledge(*, alert: ProductivityAlert, at: datetime) -> ProductivityAlert:
    if alert.acknowledged_at is None:
        alert.acknowledged_at = at
        alert.save(update_fields=["acknowledged_at", "updated_at"])
    return alert


def _rows_of(rule: AlertRule):
    rows = ProductivityMetric.objects.for_organization(rule.organization_id).filter(
        metric_type=rule.metric_type
    )
    if rule.team_id:
        rows = rows.filter(team_id=rule.team_id)
    if rule.user_id:
        rows = rows.filter(user_id=rule.user_id)
    return rows


def _bounds(
    rule: AlertRule, value: float, baseline: list[float]
) -> tuple[bool, float, float | None, float | None]:
    """(fired, crossed bound, baseline mean, baseline stddev)."""
    if rule.condition == AlertCondition.THRESHOLD:
        limit = float(rule.threshold or 0.0)
        fired = value < limit if rule.direction == AlertDirection.BELOW else value > limit
        return fired, limit, None, None
    n = len(baseline)
    if n == 0 or sum(1 for x in baseline if x) < math.ceil(n / 2):
        return False, 0.0, None, None
    mean = sum(baseline) / n
    stddev = math.sqrt(sum((x - mean) ** 2 for x in baseline) / n)
    high, low = mean + float(rule.deviations or 0) * stddev, mean - float(rule.deviations or 0) * stddev
    if rule.direction in (AlertDirection.ABOVE, AlertDirection.BOTH) and value > high:
        return True, high, mean, stddev
    if rule.direction in (AlertDirection.BELOW, AlertDirection.BOTH) and value < low:
        return True, low, mean, stddev
    return False, high, mean, stddev


def rule_evaluate_window(*, rule: AlertRule, start: datetime) -> ProductivityAlert | None:
    """Evaluate one window (one SQL query for it and its baseline); the new alert, if it fired."""
    size = timedelta(minutes=rule.window_minutes)
    n = rule.baseline_windows if rule.condition == AlertCondition.DEVIATION else 0
    sums = {"w0": Sum("value", filter=Q(timestamp__gte=start, timestamp__lt=start + size))}
    for i in range(1, n + 1):
        sums[f"w{i}"] = Sum(
            "value", filter=Q(timestamp__gte=start - i * size, timestamp__lt=start - (i - 1) * size)
        )
    figures = (
        _rows_of(rule).filter(timestamp__gte=start - n * size, timestamp__lt=start + size).aggregate(**sums)
    )
    value = float(figures["w0"] or 0.0)
    fired, limit, mean, stddev = _bounds(
        rule, value, [float(figures[f"w{i}"] or 0.0) for i in range(1, n + 1)]
    )
    if not fired:
        return None
    if (
        ProductivityAlert.objects.for_organization(rule.organization_id)
        .filter(rule=rule, window_start=start)
        .exists()
    ):
        return None
    affected = [
        str(user_id)
        for user_id in _rows_of(rule)
        .filter(timestamp__gte=start, timestamp__lt=start + size)
        .exclude(user_id=None)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")[:AFFECTED_USERS_LIMIT]
    ]
    try:
        with transaction.atomic():
            alert = ProductivityAlert.objects.create(
                organization_id=rule.organization_id,
                rule=rule,
                rule_name=rule.name,
                severity=rule.severity,
                metric_type=rule.metric_type,
                metric_value=value,
                threshold=limit,
                baseline_mean=mean,
                baseline_stddev=stddev,
                window_start=start,
                window_end=start + size,
                affected_users=affected,
            )
            _publish_alert(alert)
    except IntegrityError:  # a concurrent evaluation of the same window fired it first
        return None
    return alert


def _publish_alert(alert: ProductivityAlert) -> None:
    realtime.publish(
        alert.organization_id,
        "alert_triggered",
        {
            "alert_id": alert.pk,
            "rule_name": alert.rule_name,
            "severity": alert.severity,
            "metric_value": alert.metric_value,
            "threshold": alert.threshold,
            "affected_users": alert.affected_users,
            "timestamp": alert.created_at,
            "metric_type": alert.metric_type,
            "window_start": alert.window_start,
            "window_end": alert.window_end,
        },
        rooms=["alerts"],
    )
    realtime.publish(
        alert.organization_id,
        "alert.triggered",
        {
            "alert": {
                "id": alert.pk,
                "name": alert.rule_name,
                "severity": alert.severity,
                "metric_value": alert.metric_value,
                "threshold": alert.threshold,
            },
            "timestamp": alert.created_at,
        },
        rooms=["alerts"],
    )


def alerts_evaluate(
    *, organization_id, metric_types: list[str], period_start: datetime, period_end: datetime
) -> list[ProductivityAlert]:
    """Evaluate the active rules of these metric types on every window the period touches."""
    fired = []
    rules = AlertRule.objects.for_organization(organization_id).filter(
        is_active=True, metric_type__in=metric_types
    )
    for rule in rules:
        size = timedelta(minutes=rule.window_minutes)
        current = window_start(period_end, rule.window_minutes)
        first = max(
            window_start(period_start, rule.window_minutes), current - (MAX_WINDOWS_PER_BATCH - 1) * size
        )
        while current >= first:
            alert = rule_evaluate_window(rule=rule, start=current)
            if alert is not None:
                fired.append(alert)
            current -= size
    return fired
