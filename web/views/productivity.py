"""Productivity pages (seed C): trends and team comparison, dashboards built from widgets, and report
exports with their progress and the download of the finished file.

Reads go through metrics.productivity.selectors (the analytics, dashboards and widget-data selectors
of the API), writes through its services (dashboards, reports); the export is the API's own job.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from config.api.errors import ApplicationError
from metrics.productivity.models import ReportStatus
from metrics.productivity.selectors.analytics import productivity_trends, team_comparison
from metrics.productivity.selectors.dashboards import (
    dashboard_may_change,
    dashboard_may_create,
    dashboards_visible_to,
    widget_data,
)
from metrics.productivity.services import reports as report_services
from metrics.productivity.services.dashboards import dashboard_create
from organizations.models import Role
from organizations.selectors import teams_of
from web import selectors
from web.access import member_required
from web.forms import DashboardForm, ReportExportForm, TrendsForm, WidgetForm, apply_error
from web.services import dashboard_widget_add, dashboard_widget_remove

PAGE_SIZE = 25


def _org(request: HttpRequest):
    return request.organization  # type: ignore[attr-defined]


def _membership(request: HttpRequest):
    return request.membership  # type: ignore[attr-defined]


def _teams(request: HttpRequest) -> list:
    return list(teams_of(organization=_org(request)).order_by("name"))


def _day(moment) -> str:
    return moment.strftime("%Y-%m-%d")


# --- Chart data: what the page's charts draw (series only; the numbers come from the selectors) ---


def _trend_chart(trends: dict, granularity: str) -> dict:
    series = trends["metrics"]
    labels = [_day(period["period"]) for period in series[0]["periods"]] if series else []
    return {
        "kind": "line",
        "labels": labels,
        "datasets": [
            {"label": item["metric_type"], "values": [p["value"] for p in item["periods"]]} for item in series
        ],
        "x_title": f"Period start (UTC, per {granularity})",
        "y_title": f"Sum of values per {granularity}",
    }


def _comparison_chart(comparison: dict) -> dict:
    teams = comparison["teams"]
    return {
        "kind": "bar",
        "labels": [team["team_name"] for team in teams],
        "datasets": [
            {
                "label": metric_type,
                "values": [
                    next((m["total"] for m in team["metrics"] if m["metric_type"] == metric_type), 0)
                    for team in teams
                ],
            }
            for metric_type in comparison["metric_types"]
        ],
        "x_title": "Team",
        "y_title": "Total over the period",
    }


def _widget_view(dashboard, widget: dict) -> dict:
    """A widget with its data, and for line and bar widgets the series its chart draws."""
    data = widget_data(dashboard=dashboard, widget=widget)
    query = widget.get("query") or {}
    heading = widget.get("title") or query.get("metric_type") or query.get("agent_name") or "All metrics"
    view = {
        "widget": widget,
        "heading": heading,
        "data": data,
        "chart": None,
        "chart_id": f"widget-{widget.get('id')}",
    }
    if widget.get("type") not in ("line", "bar"):
        return view
    if data["source"] == "agents":
        agents = data["agents"]
        view["chart"] = {
            "kind": widget["type"],
            "labels": [row["agent_name"] for row in agents],
            "datasets": [{"label": "Executions", "values": [row["executions"] for row in agents]}],
            "x_title": "Agent",
            "y_title": f"Executions (last {query.get('range_days', 30)} days)",
        }
        return view
    aggregation = data.get("aggregation") or "day"
    labels = sorted({_day(point["timestamp"]) for point in data["points"]})
    types = sorted({point["metric_type"] for point in data["points"]})
    values = {(point["metric_type"], _day(point["timestamp"])): point["value"] for point in data["points"]}
    view["chart"] = {
        "kind": widget["type"],
        "labels": labels,
        "datasets": [
            {"label": metric_type, "values": [values.get((metric_type, label), 0) for label in labels]}
            for metric_type in types
        ],
        "x_title": f"Period start (UTC, per {aggregation})",
        "y_title": f"Sum of values per {aggregation}",
    }
    return view


# --- Overview: trends and team comparison -------------------------------------------------------


@member_required()
def overview(request: HttpRequest) -> HttpResponse:
    teams = _teams(request)
    form = TrendsForm(request.GET or None, teams=teams)
    values = form.cleaned_data if form.is_valid() else {}
    days = values.get("range_days") or 30
    granularity = values.get("granularity") or "day"
    team_id = values.get("team_id") or None
    end = timezone.now()
    start = end - timedelta(days=days)
    trends = productivity_trends(
        organization=_org(request), start=start, end=end, granularity=granularity, team_id=team_id
    )
    comparison = team_comparison(organization=_org(request), start=start, end=end)
    context = {
        "form": form,
        "days": days,
        "trends": trends,
        "comparison": comparison,
        "trend_chart": _trend_chart(trends, granularity),
        "comparison_chart": _comparison_chart(comparison),
        "has_data": any(item["count"] for item in trends["metrics"]),
        "can_edit": _membership(request).has_role(Role.EDITOR),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "web/productivity/overview.html", context, status=status)


# --- Dashboards ----------------------------------------------------------------------------------


def _visible_dashboards(request: HttpRequest):
    return dashboards_visible_to(
        organization=_org(request), user=request.user, membership=_membership(request)
    )


def _dashboard_or_404(request: HttpRequest, dashboard_id):
    dashboard = _visible_dashboards(request).select_related("team", "owner").filter(pk=dashboard_id).first()
    if dashboard is None:
        raise Http404("No such dashboard in this organization.")
    return dashboard


@require_http_methods(["GET", "POST"])
@member_required()
def dashboards(request: HttpRequest) -> HttpResponse:
    teams = _teams(request)
    form, status = DashboardForm(teams=teams), 200
    membership = _membership(request)
    if request.method == "POST":
        form = DashboardForm(request.POST, teams=teams)
        if form.is_valid():
            values = form.cleaned_data
            try:
                dashboard = dashboard_create(
                    organization=_org(request),
                    user=request.user,
                    membership=membership,
                    name=values["name"],
                    scope=values["scope"],
                    team_id=values["team_id"] or None,
                    is_default=values["is_default"],
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"Dashboard “{dashboard.name}” created. Add widgets to it.")
                return redirect("web:productivity-dashboard", dashboard_id=dashboard.pk)
        status = 400
    rows = _visible_dashboards(request).select_related("team", "owner").order_by("name", "created_at")
    context = {
        "dashboards": rows,
        "form": form,
        "can_create": dashboard_may_create(
            scope="user", team_id=None, user=request.user, membership=membership
        ),
    }
    return render(request, "web/productivity/dashboards.html", context, status=status)


def _dashboard_page(
    request: HttpRequest, dashboard, widget_form: WidgetForm, status: int = 200
) -> HttpResponse:
    context = {
        "dashboard": dashboard,
        "widgets": [_widget_view(dashboard, widget) for widget in dashboard.layout or []],
        "widget_form": widget_form,
        "can_change": dashboard_may_change(
            dashboard=dashboard, user=request.user, membership=_membership(request)
        ),
    }
    return render(request, "web/productivity/dashboard.html", context, status=status)


@member_required()
def dashboard_detail(request: HttpRequest, dashboard_id) -> HttpResponse:
    return _dashboard_page(request, _dashboard_or_404(request, dashboard_id), WidgetForm())


@require_POST
@member_required(Role.EDITOR)
def widget_add(request: HttpRequest, dashboard_id) -> HttpResponse:
    dashboard = _dashboard_or_404(request, dashboard_id)
    form = WidgetForm(request.POST)
    if form.is_valid():
        try:
            dashboard_widget_add(
                dashboard=dashboard,
                user=request.user,
                membership=_membership(request),
                widget_type=form.cleaned_data["widget_type"],
                title=form.cleaned_data["title"],
                query=form.validated,
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        except ValidationError as exc:
            form.add_error(None, "; ".join(exc.messages))
        else:
            messages.success(request, "Widget added.")
            return redirect("web:productivity-dashboard", dashboard_id=dashboard.pk)
    return _dashboard_page(request, _dashboard_or_404(request, dashboard_id), form, status=400)


@require_POST
@member_required(Role.EDITOR)
def widget_remove(request: HttpRequest, dashboard_id, widget_id: str) -> HttpResponse:
    dashboard = _dashboard_or_404(request, dashboard_id)
    try:
        removed = dashboard_widget_remove(
            dashboard=dashboard, user=request.user, membership=_membership(request), widget_id=widget_id
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if not removed:
            raise Http404("No such widget on this dashboard.")
        messages.success(request, "Widget removed.")
    return redirect("web:productivity-dashboard", dashboard_id=dashboard.pk)


# --- Report exports ------------------------------------------------------------------------------


def _reports(request: HttpRequest):
    return selectors.reports_visible_to(
        organization=_org(request), user=request.user, membership=_membership(request)
    )


def _report_or_404(request: HttpRequest, report_id):
    report = _reports(request).filter(pk=report_id).first()
    if report is None:
        raise Http404("No such report in this organization.")
    return report


@require_http_methods(["GET", "POST"])
@member_required()
def reports(request: HttpRequest) -> HttpResponse:
    teams = _teams(request)
    form, status = ReportExportForm(teams=teams), 200
    if request.method == "POST":
        form = ReportExportForm(request.POST, teams=teams)
        if form.is_valid():
            report = report_services.report_request(
                organization=_org(request),
                user=request.user,
                format=form.cleaned_data["format"],
                report_type=form.cleaned_data["report_type"],
                filters=form.validated,
            )
            return redirect("web:productivity-report", report_id=report.pk)
        status = 400
    page = Paginator(_reports(request).select_related("requested_by"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "web/productivity/reports.html", {"form": form, "page": page}, status=status)


@member_required()
def report_detail(request: HttpRequest, report_id) -> HttpResponse:
    return render(request, "web/productivity/report.html", {"report": _report_or_404(request, report_id)})


@member_required()
def report_progress(request: HttpRequest, report_id) -> HttpResponse:
    """The export's progress alone: polled by the report page (htmx) until the job has finished."""
    return render(
        request, "web/productivity/_report_progress.html", {"report": _report_or_404(request, report_id)}
    )


@member_required()
def report_download(request: HttpRequest, report_id) -> FileResponse:
    """The finished file, for the member who may see the report (the session is the credential)."""
    report = _report_or_404(request, report_id)
    if report.status != ReportStatus.DONE or not report.file_name:
        raise Http404("This report has no file yet.")
    handle, content_type = report_services.report_file(report)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{report.report_type}-report-{report.created_at:%Y%m%d-%H%M}.{report.format}",
        content_type=content_type,
    )
