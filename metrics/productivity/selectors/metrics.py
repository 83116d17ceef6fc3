"""Reads of productivity metrics and agent executions: filters, time buckets and statistics, in SQL.

Formulas (each has a worked fixture in tests/metrics/productivity/test_queries.py):

- bucket: the timestamp truncated by the database to the start of its hour, day, ISO week
  (Monday 00:00 UTC) or month (the 1st, 00:00 UTC);
- per bucket and metric type: count, sum, avg = sum / count, min, max;
- p50 / p95: the continuous percentile (PostgreSQL `percentile_cont`: linear interpolation
  between the two nearest ranks, rank = p x (count - 1)); null on databases without it (SQLite);
- agent success_rate = successes / executions x 100 (null with no executions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Aggregate, Avg, Count, F, FloatField, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncHour, TruncMonth, TruncWeek

from metrics.productivity.models import AgentExecution, ProductivityMetric

AGGREGATION_CHOICES = [("hour", "Hour"), ("day", "Day"), ("week", "Week"), ("month", "Month")]
TRUNCATE = {"hour": TruncHour, "day": TruncDay, "week": TruncWeek, "month": TruncMonth}


class Percentile(Aggregate):
    """PostgreSQL's ordered-set aggregate percentile_cont(p) WITHIN GROUP (ORDER BY expr)."""

    function = "PERCENTILE_CONT"
    name = "Percentile"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentiles_supported() -> bool:
    return connection.vendor == "postgresql"


def percentile_annotations(field: str, prefix: str = "") -> dict:
    if not percentiles_supported():
        return {}
    return {f"{prefix}p50": Percentile(field, 0.5), f"{prefix}p95": Percentile(field, 0.95)}


@dataclass(frozen=True)
class MetricQuery:
    user_id: object = None
    team_id: object = None
    metric_type: str | None = None
    metric_types: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None


def metrics_filtered(*, organization, query: MetricQuery) -> QuerySet:
    rows = ProductivityMetric.objects.for_organization(organization)
    if query.user_id:
        rows = rows.filter(user_id=query.user_id)
    if query.team_id:
        rows = rows.filter(team_id=query.team_id)
    if query.metric_type:
        rows = rows.filter(metric_type=query.metric_type)
    if query.metric_types:
        rows = rows.filter(metric_type__in=query.metric_types)
    if query.start:
        rows = rows.filter(timestamp__gte=query.start)
    if query.end:
        rows = rows.filter(timestamp__lt=query.end)
    return rows


def metric_rows(*, organization, query: MetricQuery) -> QuerySet:
    """Raw rows, newest first."""
    return metrics_filtered(organization=organization, query=query).order_by("-timestamp", "id")


def metric_buckets(*, organization, query: MetricQuery, aggregation: str) -> QuerySet:
    """One row per (bucket, metric type): timestamp (bucket start), count, sum, avg, min, max, p50, p95."""
    truncate = TRUNCATE[aggregation]
    return (
        metrics_filtered(organization=organization, query=query)
        .annotate(bucket=truncate("timestamp"))
        .values("bucket", "metric_type")
        .annotate(
            count=Count("id"),
            sum=Sum("value"),
            avg=Avg("value"),
            min=Min("value"),
            max=Max("value"),
            **percentile_annotations("value"),
        )
        .order_by("bucket", "metric_type")
    )


def bucket_row(row: dict) -> dict:
    """A bucket as the API shows it: `timestamp` is the bucket's start and `value` its sum."""
    return {
        "timestamp": row["bucket"],
        "metric_type": row["metric_type"],
        "value": row["sum"],
        "count": row["count"],
        "sum": row["sum"],
        "avg": row["avg"],
        "min": row["min"],
        "max": row["max"],
        "p50": row.get("p50"),
        "p95": row.get("p95"),
    }


@dataclass(frozen=True)
class AgentQuery:
    agent_name: str | None = None
    user_id: object = None
    team_id: object = None
    success_only: bool = False
    start: datetime | None = None
    end: datetime | None = None


def agent_executions(*, organization, query: AgentQuery) -> QuerySet:
    rows = AgentExecution.objects.for_organization(organization)
    if query.agent_name:
        rows = rows.filter(agent_name=query.agent_name)
    if query.user_id:
        rows = rows.filter(user_id=query.user_id)
    if query.team_id:
        rows = rows.filter(team_id=query.team_id)
    if query.success_only:
        rows = rows.filter(success=True)
    if query.start:
        rows = rows.filter(timestamp__gte=query.start)
    if query.end:
        rows = rows.filter(timestamp__lt=query.end)
    return rows


def _agent_statistics() -> dict:
    return {
        "executions": Count("id"),
        "successes": Count("id", filter=Q(success=True)),
        "avg_ms": Avg("execution_time_ms"),
        "min_ms": Min("execution_time_ms"),
        "max_ms": Max("execution_time_ms"),
        "tokens_used": Sum("tokens_used"),
        "cost_usd": Sum("cost_usd"),
        "sessions": Count("session_id", distinct=True, filter=~Q(session_id="")),
        **percentile_annotations("execution_time_ms", prefix=""),
    }


def _with_rates(row: dict) -> dict:
    executions = row["executions"] or 0
    successes = row["successes"] or 0
    return {
        **row,
        "failures": executions - successes,
        "success_rate": round(100.0 * successes / executions, 2) if executions else None,
        "p50_ms": row.pop("p50", None),
        "p95_ms": row.pop("p95", None),
        "cost_usd": float(row["cost_usd"]) if row.get("cost_usd") is not None else None,
    }


def agent_statistics(*, organization, query: AgentQuery) -> dict:
    """Totals and per-agent counts, success rate and latency statistics (one query each)."""
    rows = agent_executions(organization=organization, query=query)
    per_agent = [
        _with_rates(dict(row))
        for row in rows.values("agent_name")
        .annotate(**_agent_statistics())
        .order_by("-executions", "agent_name")
    ]
    totals = _with_rates(dict(rows.aggregate(**_agent_statistics())))
    return {"totals": totals, "agents": per_agent, "percentiles": percentiles_supported()}


def agent_statistics_by_team(*, organization, query: AgentQuery) -> list[dict]:
    rows = agent_executions(organization=organization, query=query).exclude(team_id=None)
    return [
        _with_rates(dict(row))
        for row in rows.values(team_uuid=F("team_id"), team_name=F("team__name"))
        .annotate(**_agent_statistics())
        .order_by("team_name")
    ]
