"""What a report holds: column headers, rows streamed from the database, and its summary figures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Aggregate, Avg, Count, Q, Sum
from django.db.models.functions import TruncDay

from metrics.productivity.models import ReportType
from metrics.productivity.selectors.analytics import team_comparison
from metrics.productivity.selectors.metrics import AgentQuery, MetricQuery, agent_executions, metrics_filtered

CHUNK = 2000


@dataclass
class ReportSource:
    title: str
    columns: list[str]
    total: int
    rows: Iterator[list]
    summary_header: list[str]
    summary: list[list]
    chart_title: str
    chart: list[tuple[str, float]]  # (label, value), at most ~60 points


def _iso(moment: datetime | None) -> str:
    return moment.isoformat().replace("+00:00", "Z") if moment else ""


def _daily(queryset, field: Aggregate) -> list[tuple[str, float]]:
    return [
        (row["day"].strftime("%Y-%m-%d"), float(row["value"] or 0))
        for row in queryset.annotate(day=TruncDay("timestamp"))
        .values("day")
        .annotate(value=field)
        .order_by("day")[:62]
    ]


def productivity_source(organization, filters: dict) -> ReportSource:
    query = MetricQuery(
        user_id=filters.get("user_id"),
        team_id=filters.get("team_id"),
        metric_type=filters.get("metric_type"),
        metric_types=tuple(filters.get("metric_types") or ()),
        start=filters.get("start_date"),
        end=filters.get("end_date"),
    )
    rows = metrics_filtered(organization=organization, query=query)
    values = rows.order_by("timestamp", "id").values_list(
        "timestamp", "metric_type", "value", "user__email", "team__name", "metadata"
    )

    def stream() -> Iterator[list]:
        for timestamp, metric_type, value, email, team, metadata in values.iterator(chunk_size=CHUNK):
            yield [
                timestamp,
                metric_type,
                value,
                email or "",
                team or "",
                json.dumps(metadata or {}, sort_keys=True),
            ]

    summary = [
        [r["metric_type"], r["count"], r["total"], r["avg"]]
        for r in rows.values("metric_type")
        .annotate(count=Count("id"), total=Sum("value"), avg=Avg("value"))
        .order_by("metric_type")
    ]
    return ReportSource(
        title="Productivity metrics",
        columns=["timestamp", "metric_type", "value", "user", "team", "metadata"],
        total=rows.count(),
        rows=stream(),
        summary_header=["metric type", "count", "sum", "average"],
        summary=summary,
        chart_title="Sum of values per day",
        chart=_daily(rows, Sum("value")),
    )


def agents_source(organization, filters: dict) -> ReportSource:
    query = AgentQuery(
        agent_name=filters.get("agent_name"),
        user_id=filters.get("user_id"),
        team_id=filters.get("team_id"),
        success_only=bool(filters.get("success_only")),
        start=filters.get("start_date"),
        end=filters.get("end_date"),
    )
    rows = agent_executions(organization=organization, query=query)
    values = rows.order_by("timestamp", "id").values_list(
        "timestamp",
        "agent_name",
        "user__email",
        "user_identifier",
        "team__name",
        "command",
        "execution_time_ms",
        "success",
        "error_details",
        "tokens_used",
        "cost_usd",
    )

    def stream() -> Iterator[list]:
        for (
            timestamp,
            agent,
            email,
            identifier,
            team,
            command,
            ms,
            success,
            error,
            tokens,
            cost,
        ) in values.iterator(chunk_size=CHUNK):
            yield [
                timestamp,
                agent,
                email or identifier,
                team or "",
                command,
                ms,
                success,
                error,
                tokens,
                float(cost) if cost is not None else None,
            ]

    summary = [
        [
            r["agent_name"],
            r["executions"],
            r["successes"],
            round(100.0 * r["successes"] / r["executions"], 2) if r["executions"] else None,
            r["avg_ms"],
        ]
        for r in rows.values("agent_name")
        .annotate(
            executions=Count("id"),
            successes=Count("id", filter=Q(success=True)),
            avg_ms=Avg("execution_time_ms"),
        )
        .order_by("agent_name")
    ]
    return ReportSource(
        title="AI-agent executions",
        columns=[
            "timestamp",
            "agent_name",
            "user",
            "team",
            "command",
            "execution_time_ms",
            "success",
            "error_details",
            "tokens_used",
            "cost_usd",
        ],
        total=rows.count(),
        rows=stream(),
        summary_header=["agent", "executions", "successes", "success rate %", "avg ms"],
        summary=summary,
        chart_title="Executions per day",
        chart=_daily(rows, Count("id")),
    )


def teams_source(organization, filters: dict) -> ReportSource:
    comparison = team_comparison(
        organization=organization,
        start=filters["start_date"],
        end=filters["end_date"],
        team_ids=filters.get("team_ids") or None,
        metric_types=tuple(filters.get("metric_types") or ()),
    )
    ranks = {
        (entry["team_id"], ranking["metric_type"]): entry["rank"]
        for ranking in comparison["rankings"]
        for entry in ranking["teams"]
    }
    table = [
        [
            team["team_name"],
            team["members"],
            m["metric_type"],
            m["total"],
            m["count"],
            m["avg"],
            m["per_member"],
            ranks.get((team["team_id"], m["metric_type"])),
        ]
        for team in comparison["teams"]
        for m in team["metrics"]
    ]
    totals: dict[str, float] = {}
    for team in comparison["teams"]:
        totals[team["team_name"]] = sum(m["total"] or 0 for m in team["metrics"])
    return ReportSource(
        title="Team comparison",
        columns=["team", "members", "metric_type", "total", "count", "average", "per_member", "rank"],
        total=len(table),
        rows=iter(table),
        summary_header=["team", "members", "metric types"],
        summary=[[t["team_name"], t["members"], len(t["metrics"])] for t in comparison["teams"]],
        chart_title="Total of all metric types per team",
        chart=list(totals.items())[:60],
    )


SOURCES = {
    ReportType.PRODUCTIVITY: productivity_source,
    ReportType.AGENTS: agents_source,
    ReportType.TEAMS: teams_source,
}
