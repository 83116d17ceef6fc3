"""SOC analytics (seed D): the dashboard and metric series, aggregated by the database."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncDay, TruncHour, TruncWeek
from django.utils import timezone

from incidents.ingest.models import Event
from incidents.threats.models import Threat, ThreatStatus

TRUNC = {"hour": TruncHour, "day": TruncDay, "week": TruncWeek}
STEP = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}
MAX_BUCKETS = 2000
RESPONSE = ExpressionWrapper(F("mitigated_at") - F("detected_at"), output_field=DurationField())
MITIGATED = Q(status=ThreatStatus.MITIGATED)
FALSE_POSITIVE = Q(status=ThreatStatus.FALSE_POSITIVE)

METRICS = {
    "response_time": (
        "seconds",
        "Mean time from detection to mitigation of the threats mitigated in each bucket.",
    ),
    "detection_rate": (
        "threats per 1,000 events",
        "Threats detected per 1,000 events ingested in each bucket.",
    ),
    "threats_detected": ("threats", "Threats detected in each bucket."),
    "false_positive_rate": ("ratio", "Share of the bucket's threats that analysts marked false positive."),
    "events_ingested": ("events", "Events ingested in each bucket."),
}


def _seconds(value) -> float | None:
    return round(value.total_seconds(), 3) if value is not None else None


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def dashboard(organization, *, now: datetime | None = None) -> dict[str, Any]:
    """Today (since 00:00 UTC) and this week (the last 7 days): three queries, all aggregates.

    COUNT(detected_at) rather than COUNT(id): every column the threat queries read is in the covering index
    `threat_dashboard`, so PostgreSQL answers them with index-only scans."""
    now = now or timezone.now()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    week = now - timedelta(days=7)
    threats = Threat.objects.for_organization(organization).filter(detected_at__gte=week, synthetic=False)
    on_day = Q(detected_at__gte=today)
    totals = threats.aggregate(
        today_detected=Count("detected_at", filter=on_day),
        today_mitigated=Count("detected_at", filter=on_day & MITIGATED),
        today_false_positives=Count("detected_at", filter=on_day & FALSE_POSITIVE),
        today_impact=Sum("impact_usd", filter=on_day & MITIGATED),
        today_response=Avg(RESPONSE, filter=on_day & MITIGATED),
        week_detected=Count("detected_at"),
        week_mitigated=Count("detected_at", filter=MITIGATED),
        week_false_positives=Count("detected_at", filter=FALSE_POSITIVE),
        week_impact=Sum("impact_usd", filter=MITIGATED),
        week_response=Avg(RESPONSE, filter=MITIGATED),
    )
    top = list(
        threats.order_by()
        .values("threat_type")
        .annotate(count=Count("*"))
        .order_by("-count", "threat_type")[:5]
    )
    events_today = Event.objects.for_organization(organization).filter(timestamp__gte=today).count()

    def period(prefix: str) -> dict[str, Any]:
        detected = totals[f"{prefix}_detected"]
        mitigated = totals[f"{prefix}_mitigated"]
        false_positives = totals[f"{prefix}_false_positives"]
        return {
            "threats_detected": detected,
            "threats_mitigated": mitigated,
            "false_positives": false_positives,
            "avg_response_time_s": _seconds(totals[f"{prefix}_response"]),
            "total_impact_prevented_usd": float(totals[f"{prefix}_impact"] or 0),
            "success_rate": _rate(mitigated, detected - false_positives),
        }

    return {
        "today": {**period("today"), "events_ingested": events_today},
        "this_week": period("week"),
        "top_threats": [{"type": row["threat_type"], "count": row["count"]} for row in top],
        "generated_at": now,
    }


def percentile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default, PostgreSQL's percentile_cont)."""
    if not sorted_values:
        raise ValueError("no values")
    rank = (len(sorted_values) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def statistics_of(values: list[float]) -> dict[str, float | None]:
    if not values:
        return dict.fromkeys(("min", "max", "avg", "p50", "p95", "p99"))
    ordered = sorted(values)
    return {
        "min": round(ordered[0], 4),
        "max": round(ordered[-1], 4),
        "avg": round(sum(ordered) / len(ordered), 4),
        "p50": round(percentile(ordered, 50), 4),
        "p95": round(percentile(ordered, 95), 4),
        "p99": round(percentile(ordered, 99), 4),
    }


def _buckets(start: datetime, end: datetime, interval: str) -> list[datetime]:
    first = start.replace(minute=0, second=0, microsecond=0)
    if interval != "hour":
        first = first.replace(hour=0)
    if interval == "week":
        first -= timedelta(days=first.weekday())
    found: list[datetime] = []
    current = first
    while current < end and len(found) <= MAX_BUCKETS:
        found.append(current)
        current += STEP[interval]
    return found


def bucket_count(start: datetime, end: datetime, interval: str) -> int:
    return math.ceil((end - start) / STEP[interval]) + 1


def _per_bucket(queryset, field: str, interval: str, **aggregates) -> dict[datetime, dict[str, Any]]:
    rows = queryset.annotate(bucket=TRUNC[interval](field)).order_by().values("bucket").annotate(**aggregates)
    return {row["bucket"]: row for row in rows}


def metric_series(
    organization, *, metric: str, start: datetime, end: datetime, interval: str
) -> dict[str, Any]:
    """Data points of one metric per bucket (the database groups and aggregates), and statistics
    (min, max, avg, p50, p95, p99) over those data points. Buckets without data are left out of
    the ratio and time metrics, and count as 0 for the count metrics."""
    threats = Threat.objects.for_organization(organization).filter(
        detected_at__gte=start, detected_at__lt=end
    )
    events = Event.objects.for_organization(organization).filter(timestamp__gte=start, timestamp__lt=end)
    points: list[tuple[datetime, float]] = []
    if metric == "response_time":
        rows = _per_bucket(
            threats.filter(MITIGATED, mitigated_at__isnull=False),
            "detected_at",
            interval,
            value=Avg(RESPONSE),
        )
        points = [(b, _seconds(r["value"]) or 0.0) for b, r in sorted(rows.items()) if r["value"] is not None]
    elif metric == "false_positive_rate":
        rows = _per_bucket(
            threats, "detected_at", interval, total=Count("id"), fp=Count("id", filter=FALSE_POSITIVE)
        )
        points = [(b, round(r["fp"] / r["total"], 4)) for b, r in sorted(rows.items()) if r["total"]]
    elif metric in ("threats_detected", "events_ingested"):
        source, field = (threats, "detected_at") if metric == "threats_detected" else (events, "timestamp")
        rows = _per_bucket(source, field, interval, value=Count("id"))
        points = [(b, float(rows[b]["value"]) if b in rows else 0.0) for b in _buckets(start, end, interval)]
    elif metric == "detection_rate":
        found = _per_bucket(threats, "detected_at", interval, value=Count("id"))
        seen = _per_bucket(events, "timestamp", interval, value=Count("id"))
        points = [
            (b, round(1000 * (found[b]["value"] if b in found else 0) / row["value"], 4))
            for b, row in sorted(seen.items())
            if row["value"]
        ]
    else:
        raise ValueError(metric)
    unit, description = METRICS[metric]
    return {
        "metric": metric,
        "unit": unit,
        "description": description,
        "interval": interval,
        "from_date": start,
        "to_date": end,
        "data_points": [{"timestamp": b, "value": v} for b, v in points],
        "statistics": statistics_of([v for _, v in points]),
    }
