"""Which dashboards a member sees and may change, and the data of a dashboard's widgets.

Visibility: organization and team dashboards are visible to every member (teams are visible to
every member); a user dashboard only to its owner.
Changes: a user dashboard by its owner (an editor or above); a team dashboard by a manager or
admin, or by a lead of that team; an organization dashboard by a manager or admin.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from metrics.productivity.models import Dashboard, DashboardScope
from metrics.productivity.selectors.metrics import (
    AgentQuery,
    MetricQuery,
    agent_statistics,
    bucket_row,
    metric_buckets,
)
from organizations.models import Role, TeamMember, TeamRole

WIDGET_TYPES = ["line", "bar", "number", "table"]
WIDGET_SOURCES = ["productivity", "agents"]
WIDGET_MAX_POINTS = 500


def dashboards_visible_to(*, organization, user, membership) -> QuerySet:
    rows = Dashboard.objects.for_organization(organization)
    return rows.filter(~Q(scope=DashboardScope.USER) | Q(owner_id=getattr(user, "pk", None)))


def dashboard_may_change(*, dashboard: Dashboard, user, membership) -> bool:
    if membership is None:
        return False
    if dashboard.scope == DashboardScope.USER:
        return dashboard.owner_id == user.pk and membership.has_role(Role.EDITOR)
    if membership.has_role(Role.MANAGER):
        return True
    if dashboard.scope == DashboardScope.TEAM and membership.has_role(Role.EDITOR):
        return (
            TeamMember.objects.for_organization(dashboard.organization_id)
            .filter(team_id=dashboard.team_id, user_id=user.pk, role=TeamRole.LEAD)
            .exists()
        )
    return False


def dashboard_may_create(*, scope: str, team_id, user, membership) -> bool:
    if membership is None or not membership.has_role(Role.EDITOR):
        return False
    if scope == DashboardScope.USER or membership.has_role(Role.MANAGER):
        return True
    if scope == DashboardScope.TEAM:
        return (
            TeamMember.objects.for_organization(membership.organization_id)
            .filter(team_id=team_id, user_id=user.pk, role=TeamRole.LEAD)
            .exists()
        )
    return False


def _widget_query(dashboard: Dashboard, widget: dict) -> dict:
    """The widget's own query over the dashboard's filters; a team dashboard is about its team."""
    merged = {**(dashboard.filters or {}), **(widget.get("query") or {})}
    if dashboard.scope == DashboardScope.TEAM and not merged.get("team_id"):
        merged["team_id"] = str(dashboard.team_id)
    return merged


def widget_data(*, dashboard: Dashboard, widget: dict) -> dict:
    """A widget's data, computed by the same selectors as the metrics and agents endpoints."""
    query = _widget_query(dashboard, widget)
    end = timezone.now()
    start = end - timedelta(days=int(query.get("range_days") or 30))
    if query.get("source", "productivity") == "agents":
        stats = agent_statistics(
            organization=dashboard.organization_id,
            query=AgentQuery(
                agent_name=query.get("agent_name"),
                team_id=query.get("team_id"),
                user_id=query.get("user_id"),
                start=start,
                end=end,
            ),
        )
        return {"source": "agents", "totals": stats["totals"], "agents": stats["agents"][:WIDGET_MAX_POINTS]}
    buckets = metric_buckets(
        organization=dashboard.organization_id,
        query=MetricQuery(
            metric_type=query.get("metric_type"),
            team_id=query.get("team_id"),
            user_id=query.get("user_id"),
            start=start,
            end=end,
        ),
        aggregation=query.get("aggregation") or "day",
    )
    points = [bucket_row(row) for row in buckets[:WIDGET_MAX_POINTS]]
    return {
        "source": "productivity",
        "aggregation": query.get("aggregation") or "day",
        "metric_type": query.get("metric_type"),
        "points": points,
        "total": sum(p["value"] or 0 for p in points),
    }


def widgets_affected(*, dashboard: Dashboard, metric_types: set[str], agents: bool) -> list[dict]:
    """Widgets of a dashboard whose data a batch of these metric types (or agent runs) changes."""
    found = []
    for widget in dashboard.layout or []:
        query = _widget_query(dashboard, widget)
        if query.get("source", "productivity") == "agents":
            if agents:
                found.append(widget)
        elif not agents and (not query.get("metric_type") or query["metric_type"] in metric_types):
            found.append(widget)
    return found
