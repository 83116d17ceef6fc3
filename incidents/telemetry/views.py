"""Seed B's system-management and telemetry endpoints (sources, telemetry, honeypot, settings,
adaptive detection, clear-database, intelligence views). Thin views over selectors and services."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from config.tasks import enqueue
from incidents.telemetry import adaptive, selectors, services
from incidents.telemetry.serializers import (
    AdaptiveStatusSerializer,
    AttackerStatsOutputSerializer,
    AttackerStatsQuerySerializer,
    AutoContainSerializer,
    ClearDatabaseInputSerializer,
    ClearDatabaseOutputSerializer,
    DistributedThreatsOutputSerializer,
    IntelThreatsOutputSerializer,
    LearningQueuedSerializer,
    LogSourceSerializer,
    SensitivityInputSerializer,
    TelemetryStatusSerializer,
)
from incidents.threats.models import DetectionSettings
from incidents.threats.selectors import detection_settings
from organizations.permissions import IsOrgAdmin, IsOrgAdminOrReadOnly, IsOrgEditor
from organizations.viewsets import OrganizationScopedMixin

TELEMETRY = ["telemetry"]
INTEL = ["intelligence"]
ADAPTIVE = ["adaptive detection"]


class _TenantView(OrganizationScopedMixin, GenericAPIView):
    queryset = DetectionSettings.objects.all()
    permission_classes = [IsOrgEditor]
    pagination_class = None
    filter_backends: list = []


class HoneypotAttackerStatsView(_TenantView):
    serializer_class = AttackerStatsOutputSerializer

    @extend_schema(
        summary="Honeypot attackers: top sources, credentials tried, commands, downloads, sessions over time",
        parameters=[AttackerStatsQuerySerializer],
        responses=AttackerStatsOutputSerializer,
        tags=TELEMETRY,
    )
    def get(self, request):
        query = AttackerStatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        since = timezone.now() - timedelta(days=query.validated_data["days"])
        stats = selectors.honeypot_attacker_stats(
            self.organization, since=since, limit=query.validated_data["limit"]
        )
        return Response(AttackerStatsOutputSerializer(stats).data)


class SourcesView(_TenantView):
    serializer_class = LogSourceSerializer

    @extend_schema(
        summary="Log sources with event counts and last seen",
        responses=LogSourceSerializer(many=True),
        tags=TELEMETRY,
    )
    def get(self, request):
        return Response(LogSourceSerializer(selectors.log_sources(self.organization), many=True).data)


class TelemetryStatusView(_TenantView):
    serializer_class = TelemetryStatusSerializer

    @extend_schema(
        summary="Assets, agents, incidents and the last event",
        responses=TelemetryStatusSerializer,
        tags=TELEMETRY,
    )
    def get(self, request):
        return Response(TelemetryStatusSerializer(selectors.telemetry_status(self.organization)).data)


class AutoContainView(_TenantView):
    serializer_class = AutoContainSerializer
    permission_classes = [IsOrgAdminOrReadOnly]

    @extend_schema(summary="The auto-containment setting", responses=AutoContainSerializer, tags=ADAPTIVE)
    def get(self, request):
        return Response(AutoContainSerializer(detection_settings(self.organization)).data)

    @extend_schema(
        summary="Turn auto-containment on or off (admin)",
        request=AutoContainSerializer,
        responses=AutoContainSerializer,
        tags=ADAPTIVE,
    )
    def post(self, request):
        data = AutoContainSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        settings = services.auto_contain_set(
            organization=self.organization,
            auto_contain=data.validated_data["auto_contain"],
            min_severity=data.validated_data.get("auto_contain_min_severity"),
            actor=request.user,
            request=request,
        )
        return Response(AutoContainSerializer(settings).data)


class AdaptiveStatusView(_TenantView):
    serializer_class = AdaptiveStatusSerializer

    @extend_schema(
        summary="Sensitivity in effect, its thresholds and the last learning cycle's baseline",
        responses=AdaptiveStatusSerializer,
        tags=ADAPTIVE,
    )
    def get(self, request):
        return Response(AdaptiveStatusSerializer(adaptive.adaptive_status(self.organization)).data)


class ForceLearningView(_TenantView):
    serializer_class = LearningQueuedSerializer
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        summary="Run a learning cycle now (a Celery job; its result shows in adaptive/status)",
        request=None,
        responses={202: LearningQueuedSerializer},
        tags=ADAPTIVE,
    )
    def post(self, request):
        from incidents.tasks import adaptive_learning

        settings = detection_settings(self.organization)
        enqueue(adaptive_learning, organization_id=str(self.organization.pk))
        return Response(
            LearningQueuedSerializer(
                {
                    "queued": True,
                    "last_learned_at": settings.last_learned_at,
                    "learning_runs": settings.learning_runs,
                }
            ).data,
            status=202,
        )


class SensitivityView(_TenantView):
    serializer_class = AdaptiveStatusSerializer
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        summary="Set the detection sensitivity (moves the confidence floor and escalation thresholds; audited)",
        request=SensitivityInputSerializer,
        responses=AdaptiveStatusSerializer,
        tags=ADAPTIVE,
    )
    def post(self, request):
        data = SensitivityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        adaptive.sensitivity_set(
            organization=self.organization,
            sensitivity=data.validated_data["sensitivity"],
            actor=request.user,
            request=request,
        )
        return Response(AdaptiveStatusSerializer(adaptive.adaptive_status(self.organization)).data)


class ClearDatabaseView(_TenantView):
    serializer_class = ClearDatabaseOutputSerializer
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        summary="Delete this organization's events, threats, incidents and simulations (admin; confirm with the slug)",
        request=ClearDatabaseInputSerializer,
        responses=ClearDatabaseOutputSerializer,
        tags=TELEMETRY,
    )
    def delete(self, request):
        data = ClearDatabaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        counts = services.organization_telemetry_clear(
            organization=self.organization,
            confirm=data.validated_data["confirm"],
            actor=request.user,
            request=request,
        )
        return Response(ClearDatabaseOutputSerializer({"deleted": counts}).data)


class IntelligenceThreatsView(_TenantView):
    serializer_class = IntelThreatsOutputSerializer

    @extend_schema(
        summary="The organization's indicators and their hits",
        responses=IntelThreatsOutputSerializer,
        tags=INTEL,
    )
    def get(self, request):
        return Response(IntelThreatsOutputSerializer(selectors.intelligence_threats(self.organization)).data)


class DistributedThreatsView(_TenantView):
    serializer_class = DistributedThreatsOutputSerializer

    @extend_schema(
        summary="Indicators seen by at least 3 organizations, as counts of distinct organizations only",
        responses=DistributedThreatsOutputSerializer,
        tags=INTEL,
    )
    def get(self, request):
        indicators = selectors.distributed_threats(self.organization)
        return Response(
            DistributedThreatsOutputSerializer(
                {"min_organizations": selectors.DISTRIBUTED_MIN_ORGANIZATIONS, "indicators": indicators}
            ).data
        )
