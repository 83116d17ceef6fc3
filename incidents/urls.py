"""Routes under /api/v1/ for ingestion and detection (seed B ingest/*, seed D detect and threats)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from incidents.detection.views import DetectionRuleViewSet, RuleExceptionViewSet
from incidents.ingest.views import (
    CowrieIngestView,
    IngestBatchViewSet,
    MultiIngestView,
    SensorViewSet,
    SyntheticIngestView,
)
from incidents.intel.views import IndicatorViewSet
from incidents.threats.views import CostModelView, DetectView, ThreatViewSet

router = SimpleRouter(trailing_slash=False)
router.register("sensors", SensorViewSet, basename="sensors")
router.register("ingest/batches", IngestBatchViewSet, basename="ingest-batches")
router.register("threats", ThreatViewSet, basename="threats")
router.register("detection/rules", DetectionRuleViewSet, basename="detection-rules")
router.register("detection/exceptions", RuleExceptionViewSet, basename="detection-exceptions")
router.register("intelligence/indicators", IndicatorViewSet, basename="indicators")

urlpatterns = [
    path("ingest/cowrie", CowrieIngestView.as_view(), name="ingest-cowrie"),
    path("ingest/multi", MultiIngestView.as_view(), name="ingest-multi"),
    path("ingest/synthetic", SyntheticIngestView.as_view(), name="ingest-synthetic"),
    path("detect", DetectView.as_view(), name="detect"),
    path("detection/cost-model", CostModelView.as_view(), name="cost-model"),
    *router.urls,
]
