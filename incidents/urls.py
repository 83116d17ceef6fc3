"""Routes under /api/v1/ of the incidents app: ingestion, detection and threats, the incident workspace,
analytics, simulation and the telemetry surface (seeds B and D). Nested apps append their include()."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from incidents.analytics.views import DashboardView, MetricsView
from incidents.detection.views import DetectionRuleViewSet, RuleExceptionViewSet
from incidents.ingest.views import (
    CowrieIngestView,
    IngestBatchViewSet,
    MultiIngestView,
    SensorViewSet,
    SyntheticIngestView,
)
from incidents.intel.views import IndicatorViewSet
from incidents.simulation.views import SimulationViewSet
from incidents.telemetry.views import (
    AdaptiveStatusView,
    AutoContainView,
    ClearDatabaseView,
    DistributedThreatsView,
    ForceLearningView,
    HoneypotAttackerStatsView,
    IntelligenceThreatsView,
    SensitivityView,
    SourcesView,
    TelemetryStatusView,
)
from incidents.threats.views import CostModelView, DetectView, ThreatViewSet
from incidents.workspace.views import IncidentViewSet

router = SimpleRouter(trailing_slash=False)
router.register("sensors", SensorViewSet, basename="sensors")
router.register("ingest/batches", IngestBatchViewSet, basename="ingest-batches")
router.register("threats", ThreatViewSet, basename="threats")
router.register("detection/rules", DetectionRuleViewSet, basename="detection-rules")
router.register("detection/exceptions", RuleExceptionViewSet, basename="detection-exceptions")
router.register("intelligence/indicators", IndicatorViewSet, basename="indicators")
router.register("incidents", IncidentViewSet, basename="incidents")
router.register("simulate-attack", SimulationViewSet, basename="simulate-attack")

urlpatterns = [
    path("ingest/cowrie", CowrieIngestView.as_view(), name="ingest-cowrie"),
    path("ingest/multi", MultiIngestView.as_view(), name="ingest-multi"),
    path("ingest/synthetic", SyntheticIngestView.as_view(), name="ingest-synthetic"),
    path("detect", DetectView.as_view(), name="detect"),
    path("detection/cost-model", CostModelView.as_view(), name="cost-model"),
    path("analytics/dashboard", DashboardView.as_view(), name="analytics-dashboard"),
    path("analytics/metrics", MetricsView.as_view(), name="analytics-metrics"),
    path("honeypot/attacker-stats", HoneypotAttackerStatsView.as_view(), name="honeypot-attacker-stats"),
    path("sources", SourcesView.as_view(), name="sources"),
    path("telemetry/status", TelemetryStatusView.as_view(), name="telemetry-status"),
    path("settings/auto_contain", AutoContainView.as_view(), name="settings-auto-contain"),
    path("adaptive/status", AdaptiveStatusView.as_view(), name="adaptive-status"),
    path("adaptive/force_learning", ForceLearningView.as_view(), name="adaptive-force-learning"),
    path("adaptive/sensitivity", SensitivityView.as_view(), name="adaptive-sensitivity"),
    path("admin/clear-database", ClearDatabaseView.as_view(), name="admin-clear-database"),
    path("intelligence/threats", IntelligenceThreatsView.as_view(), name="intelligence-threats"),
    path(
        "intelligence/distributed-threats",
        DistributedThreatsView.as_view(),
        name="intelligence-distributed-threats",
    ),
    *router.urls,
    path("", include("incidents.ml.urls")),
    path("", include("incidents.nlp.urls")),
    path("", include("incidents.response.urls")),
    path("", include("incidents.onboarding.urls")),
]
