"""Dashboards: create, change, delete; and live updates of their widgets when data arrives."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

import realtime
from config.api.errors import ApplicationError, ErrorCode
from metrics.productivity.models import Dashboard, DashboardScope
from metrics.productivity.selectors.dashboards import (
    dashboard_may_change,
    dashboard_may_create,
    widget_data,
    widgets_affected,
)


def _forbidden(message: str) -> ApplicationError:
    return ApplicationError(ErrorCode.FORBIDDEN, message)


def _unset_other_defaults(dashboard: Dashboard) -> None:
    """One default per owner and scope (and team): setting one unsets the others."""
    if not dashboard.is_default:
        return
    others = Dashboard.objects.for_organization(dashboard.organization_id).filter(
        scope=dashboard.scope, is_default=True
    )
    if dashboard.scope == DashboardScope.USER:
        others = others.filter(owner_id=dashboard.owner_id)
    elif dashboard.scope == DashboardScope.TEAM:
        others = others.filter(team_id=dashboard.team_id)
    others.exclude(pk=dashboard.pk).update(is_default=False, updated_at=timezone.now())


@transaction.atomic
def dashboard_create(*, organization, user, membership, **values) -> Dashboard:
    scope = values.get("scope", DashboardScope.USER)
    if not dashboard_may_create(scope=scope, team_id=values.get("team_id"), user=user, membership=membership):
        raise _forbidden(f"You may not create {scope} dashboards.")
    dashboard = Dashboard(organization=organization, owner=user, **values)
    dashboard.full_clean()
    dashboard.save()
    _unset_other_defaults(dashboard)
    return dashboard


@transaction.atomic
def dashboard_update(*, dashboard: Dashboard, user, membership, changes: dict) -> Dashboard:
    if not dashboard_may_change(dashboard=dashboard, user=user, membership=membership):
        raise _forbidden("You may not change this dashboard.")
    for name, value in changes.items():
        setattr(dashboard, name, value)
    if dashboard.scope != DashboardScope.TEAM:
        dashboard.team_id = None
    if not dashboard_may_change(dashboard=dashboard, user=user, membership=membership):
        raise _forbidden(f"You may not make {dashboard.scope} dashboards.")
    dashboard.full_clean()
    dashboard.save()
    _unset_other_defaults(dashboard)
    return dashboard


@transaction.atomic
def dashboard_delete(*, dashboard: Dashboard, user, membership) -> None:
    if not dashboard_may_change(dashboard=dashboard, user=user, membership=membership):
        raise _forbidden("You may not delete this dashboard.")
    dashboard.delete()


def dashboards_push_updates(*, organization_id, metric_types: set[str], agents: bool) -> int:
    """`dashboard_update` with fresh data for every widget the new data changes; returns how many."""
    sent = 0
    for dashboard in Dashboard.objects.for_organization(organization_id).exclude(layout=[]):
        for widget in widgets_affected(dashboard=dashboard, metric_types=metric_types, agents=agents):
            realtime.publish(
                organization_id,
                "dashboard_update",
                {
                    "dashboard_id": dashboard.pk,
                    "widget_id": str(widget.get("id")),
                    "data": widget_data(dashboard=dashboard, widget=widget),
                    "timestamp": timezone.now(),
                },
                rooms=[f"dashboard:{dashboard.pk}"],
            )
            sent += 1
    return sent
