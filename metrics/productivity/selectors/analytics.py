"""Trends with growth rates and insights, and team comparison with rankings.

Every figure is computed by the database (grouped sums and counts); Python only lays the
answers out, fills empty periods with 0 and derives rates from them.

Formulas (worked fixtures in tests/metrics/productivity/test_analytics.py):

- growth_rate(current, previous) = (current - previous) / |previous| x 100, rounded to 2 places;
  null when previous is 0 (growth from nothing has no rate);
- a period's value is the sum of the metric's values whose timestamp falls in it;
- the comparison window has the analysis window's length and ends where it starts
  (`previous_period`), or is the analysis window moved back 7 days (`previous_week`),
  one calendar month (`previous_month`) or one calendar year (`previous_year`);
- team ranking: teams ordered by the chosen statistic (total by default), highest first
  (`order=asc` for lower-is-better metrics such as cycle time); equal values share a rank and
  the next rank skips (1, 2, 2, 4: standard competition ranking);
- per_member = total / the team's member count (null for a team with no members).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Sum

from metrics.productivity.selectors.metrics import TRUNCATE, MetricQuery, metrics_filtered
from organizations.models import Team, TeamMember

COMPARISON_PERIODS = ["previous_period", "previous_week", "previous_month", "previous_year"]
STATISTICS = ["total", "avg", "count", "per_member"]


def growth_rate(current: float | None, previous: float | None) -> float | None:
    current = current or 0.0
    if not previous:
        return None
    return round((current - previous) / abs(previous) * 100.0, 2)


def bucket_start(moment: datetime, granularity: str) -> datetime:
    """The start of the bucket holding `moment`, as the database truncates it (UTC)."""
    if granularity == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if granularity == "day":
        return day
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def bucket_step(granularity: str):
    return {
        "hour": relativedelta(hours=1),
        "day": relativedelta(days=1),
        "week": relativedelta(weeks=1),
        "month": relativedelta(months=1),
    }[granularity]


def buckets_between(start: datetime, end: datetime, granularity: str) -> list[datetime]:
    """Bucket starts covering [start, end)."""
    found, current, step = [], bucket_start(start, granularity), bucket_step(granularity)
    while current < end:
        found.append(current)
        current = current + step
    return found


def comparison_window(start: datetime, end: datetime, period: str) -> tuple[datetime, datetime]:
    if period == "previous_week":
        return start - timedelta(days=7), end - timedelta(days=7)
    if period == "previous_month":
        return start - relativedelta(months=1), end - relativedelta(months=1)
    if period == "previous_year":
        return start - relativedelta(years=1), end - relativedelta(years=1)
    return start - (end - start), start


def _streak(values: list[float]) -> tuple[int, str | None]:
    """Length and direction of the run of rises (or falls) that ends at the last period."""
    run, direction = 0, None
    for before, after in zip(reversed(values[:-1]), reversed(values[1:]), strict=True):
        step = "up" if after > before else "down" if after < before else None
        if step is None or (direction is not None and step != direction):
            break
        direction, run = step, run + 1
    return run, direction


def _insights(series: list[dict], granularity: str) -> list[str]:
    """Plain-language sentences derived from the numbers: the largest changes, streaks, peaks."""
    notes: list[str] = []
    rated = [s for s in series if s["growth_rate"] is not None]
    if rated:
        top = max(rated, key=lambda s: s["growth_rate"])
        low = min(rated, key=lambda s: s["growth_rate"])
        if top["growth_rate"] > 0:
            notes.append(
                f"{top['metric_type']} grew the most: {top['total']:g} against {top['previous_total']:g} "
                f"in the comparison period ({top['growth_rate']:+.2f}%)."
            )
        if low["growth_rate"] < 0 and low is not top:
            notes.append(
                f"{low['metric_type']} fell the most: {low['total']:g} against {low['previous_total']:g} "
                f"({low['growth_rate']:+.2f}%)."
            )
    for item in series:
        if item["previous_total"] == 0 and item["total"] > 0:
            notes.append(f"{item['metric_type']} is new in this period: {item['total']:g}, none before.")
        values = [p["value"] for p in item["periods"]]
        run, direction = _streak(values)
        if run >= 2:
            verb = "rose" if direction == "up" else "fell"
            notes.append(f"{item['metric_type']} {verb} {run} {granularity}s in a row up to the last one.")
        if values and max(values) > 0:
            peak = max(item["periods"], key=lambda p: p["value"])
            when = peak["period"].strftime("%Y-%m-%d %H:00" if granularity == "hour" else "%Y-%m-%d")
            notes.append(f"{item['metric_type']} peaked in the {granularity} of {when} at {peak['value']:g}.")
    return notes


def productivity_trends(
    *,
    organization,
    start: datetime,
    end: datetime,
    granularity: str = "day",
    comparison_period: str = "previous_period",
    team_id=None,
    user_id=None,
    metric_types: tuple[str, ...] = (),
) -> dict:
    """Values per period, growth against the previous period and the comparison window, insights."""
    query = MetricQuery(team_id=team_id, user_id=user_id, metric_types=metric_types, start=start, end=end)
    grouped = (
        metrics_filtered(organization=organization, query=query)
        .annotate(bucket=TRUNCATE[granularity]("timestamp"))
        .values("metric_type", "bucket")
        .annotate(value=Sum("value"), count=Count("id"))
        .order_by()
    )
    per_type: dict[str, dict[datetime, tuple[float, int]]] = defaultdict(dict)
    for row in grouped:
        per_type[row["metric_type"]][row["bucket"]] = (row["value"] or 0.0, row["count"])

    previous_start, previous_end = comparison_window(start, end, comparison_period)
    previous_query = MetricQuery(
        team_id=team_id, user_id=user_id, metric_types=metric_types, start=previous_start, end=previous_end
    )
    previous = {
        row["metric_type"]: row["value"] or 0.0
        for row in metrics_filtered(organization=organization, query=previous_query)
        .values("metric_type")
        .annotate(value=Sum("value"))
        .order_by()
    }

    starts = buckets_between(start, end, granularity)
    series = []
    for metric_type in sorted(set(per_type) | set(previous)):
        values = per_type.get(metric_type, {})
        periods: list[dict] = []
        before: float | None = None
        value_total, count_total = 0.0, 0
        for moment in starts:
            value, count = values.get(moment, (0.0, 0))
            value_total, count_total = value_total + value, count_total + count
            periods.append(
                {
                    "period": moment,
                    "value": value,
                    "count": count,
                    "growth_rate": growth_rate(value, before) if before is not None else None,
                }
            )
            before = value
        total = value_total
        previous_total = previous.get(metric_type, 0.0)
        series.append(
            {
                "metric_type": metric_type,
                "total": total,
                "count": count_total,
                "previous_total": previous_total,
                "change": total - previous_total,
                "growth_rate": growth_rate(total, previous_total),
                "periods": periods,
            }
        )
    return {
        "start_date": start,
        "end_date": end,
        "granularity": granularity,
        "comparison_period": comparison_period,
        "comparison_start_date": previous_start,
        "comparison_end_date": previous_end,
        "team_id": team_id,
        "metrics": series,
        "insights": _insights(series, granularity),
    }


def competition_ranks(values: list[tuple[object, float | None]], *, descending: bool = True) -> dict:
    """{key: rank} with standard competition ranking; None values rank last."""
    present: list[tuple[object, float]] = sorted(
        ((key, value) for key, value in values if value is not None), key=lambda kv: kv[1], reverse=descending
    )
    ranks: dict = {}
    previous_value, previous_rank = None, 0
    for position, (key, value) in enumerate(present, start=1):
        rank = previous_rank if value == previous_value else position
        ranks[key] = rank
        previous_value, previous_rank = value, rank
    for key, missing in values:
        if missing is None:
            ranks[key] = len(present) + 1
    return ranks


def team_comparison(
    *,
    organization,
    start: datetime,
    end: datetime,
    team_ids: list | None = None,
    metric_types: tuple[str, ...] = (),
    statistic: str = "total",
    order: str = "desc",
) -> dict:
    """Per team and metric type: total, count, avg, per member; and a ranking per metric type."""
    teams = Team.objects.for_organization(organization)
    if team_ids:
        teams = teams.filter(pk__in=team_ids)
    team_rows = list(teams.values("id", "name").order_by("name"))
    ids = [row["id"] for row in team_rows]
    members = {
        row["team_id"]: row["members"]
        for row in TeamMember.objects.for_organization(organization)
        .filter(team_id__in=ids)
        .values("team_id")
        .annotate(members=Count("id"))
        .order_by()
    }
    query = MetricQuery(metric_types=metric_types, start=start, end=end)
    figures: dict = defaultdict(dict)
    for row in (
        metrics_filtered(organization=organization, query=query)
        .filter(team_id__in=ids)
        .values("team_id", "metric_type")
        .annotate(total=Sum("value"), count=Count("id"))
        .order_by()
    ):
        count = row["count"]
        member_count = members.get(row["team_id"], 0)
        figures[row["team_id"]][row["metric_type"]] = {
            "total": row["total"],
            "count": count,
            "avg": row["total"] / count if count else None,
            "per_member": row["total"] / member_count if member_count else None,
        }
    types = sorted(set(metric_types) or {mt for per_team in figures.values() for mt in per_team})
    rankings = {}
    for metric_type in types:
        values = [(tid, figures[tid].get(metric_type, {}).get(statistic)) for tid in ids]
        ranks = competition_ranks(values, descending=order != "asc")
        names = {row["id"]: row["name"] for row in team_rows}
        rankings[metric_type] = sorted(
            (
                {"rank": ranks[tid], "team_id": tid, "team_name": names[tid], "value": value}
                for tid, value in values
            ),
            key=lambda r: (r["rank"], r["team_name"]),
        )
    return {
        "start_date": start,
        "end_date": end,
        "statistic": statistic,
        "order": order,
        "metric_types": types,
        "teams": [
            {
                "team_id": row["id"],
                "team_name": row["name"],
                "members": members.get(row["id"], 0),
                "metrics": [
                    {"metric_type": mt, **figures[row["id"]][mt]} for mt in types if mt in figures[row["id"]]
                ],
            }
            for row in team_rows
        ],
        "rankings": [{"metric_type": mt, "teams": rankings[mt]} for mt in types],
    }


def agent_outcomes(
    *, organization, start: datetime, end: datetime, team_id=None, delivery_metric_types: tuple[str, ...] = ()
) -> dict:
    """Per team: AI-agent usage (sessions, runs, success rate, latency, tokens, cost) beside the
    delivery figures ingested as productivity metrics for the same team and period."""
    from metrics.productivity.selectors.metrics import AgentQuery, agent_statistics_by_team

    usage = {
        row["team_uuid"]: row
        for row in agent_statistics_by_team(
            organization=organization, query=AgentQuery(team_id=team_id, start=start, end=end)
        )
    }
    query = MetricQuery(team_id=team_id, metric_types=delivery_metric_types, start=start, end=end)
    delivery: dict = defaultdict(list)
    for row in (
        metrics_filtered(organization=organization, query=query)
        .exclude(team_id=None)
        .values("team_id", "metric_type")
        .annotate(total=Sum("value"), count=Count("id"))
        .order_by("metric_type")
    ):
        delivery[row["team_id"]].append(
            {
                "metric_type": row["metric_type"],
                "total": row["total"],
                "count": row["count"],
                "avg": row["total"] / row["count"] if row["count"] else None,
            }
        )
    teams = Team.objects.for_organization(organization).filter(pk__in=set(usage) | set(delivery))
    empty = {
        "executions": 0,
        "successes": 0,
        "failures": 0,
        "success_rate": None,
        "avg_ms": None,
        "min_ms": None,
        "max_ms": None,
        "p50_ms": None,
        "p95_ms": None,
        "sessions": 0,
        "tokens_used": None,
        "cost_usd": None,
    }
    return {
        "start_date": start,
        "end_date": end,
        "teams": [
            {
                "team_id": team.pk,
                "team_name": team.name,
                "agents": usage.get(team.pk, empty),
                "delivery": delivery.get(team.pk, []),
            }
            for team in teams.order_by("name")
        ],
    }
