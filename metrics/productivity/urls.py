"""Routes under /api/v1/ for seed C: metrics/productivity, metrics/agents, analytics, dashboards,
reports, mcp; productivity alert rules and fired alerts under metrics/alert-rules and metrics/alerts."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from metrics.productivity.views import analytics, ingest
from metrics.productivity.views.alerts import AlertRuleViewSet, AlertViewSet
from metrics.productivity.views.dashboards import DashboardViewSet
from metrics.productivity.views.reports import ReportViewSet, report_download

router = SimpleRouter(trailing_slash=False)
router.register("dashboards", DashboardViewSet, basename="productivity-dashboards")
router.register("metrics/alert-rules", AlertRuleViewSet, basename="productivity-alert-rules")
router.register("metrics/alerts", AlertViewSet, basename="productivity-alerts")
router.register("reports", ReportViewSet, basename="productivity-reports")

urlpatterns = [
    path("metrics/productivity", ingest.ProductivityMetricsView.as_view(), name="productivity-metrics"),
    path("metrics/agents", ingest.AgentMetricsView.as_view(), name="agent-metrics"),
    path("mcp/metrics/collect", ingest.McpCollectView.as_view(), name="mcp-collect"),
    path("mcp/config/<uuid:organization_id>", ingest.McpConfigView.as_view(), name="mcp-config"),
    path(
        "analytics/productivity-trends",
        analytics.ProductivityTrendsView.as_view(),
        name="productivity-trends",
    ),
    path("analytics/team-comparison", analytics.TeamComparisonView.as_view(), name="team-comparison"),
    path("analytics/agent-outcomes", analytics.AgentOutcomesView.as_view(), name="agent-outcomes"),
    path("reports/<uuid:report_id>/download", report_download, name="productivity-report-download"),
    *router.urls,
]
