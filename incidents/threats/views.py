from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from incidents.filters import ThreatFilter
from incidents.threats import services
from incidents.threats.detect import detect_entry
from incidents.threats.models import CostModel, Threat
from incidents.threats.serializers import (
    CostModelSerializer,
    DetectInputSerializer,
    DetectOutputSerializer,
    ThreatDetailOutputSerializer,
    ThreatOutputSerializer,
    VerdictInputSerializer,
)
from organizations.permissions import IsOrgAdminOrReadOnly, IsOrgEditor
from organizations.viewsets import OrganizationScopedMixin, OrganizationScopedViewSet

THREATS = ["threats"]


class DetectView(OrganizationScopedMixin, GenericAPIView):
    """Seed D's synchronous verdict. The entry is stored as an event and runs through every rule."""

    queryset = Threat.objects.all()
    serializer_class = DetectOutputSerializer
    permission_classes = [IsOrgEditor]

    @extend_schema(
        summary="Detect threats in one log entry (synchronous verdict)",
        request=DetectInputSerializer,
        responses=DetectOutputSerializer,
        tags=THREATS,
    )
    def post(self, request):
        data = DetectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        verdict = detect_entry(organization=self.organization, **data.validated_data)
        return Response(DetectOutputSerializer(verdict).data)


@extend_schema_view(
    list=extend_schema(summary="Detected threats", tags=THREATS),
    retrieve=extend_schema(
        summary="One threat with its timeline and IOCs",
        parameters=[OpenApiParameter("threat_id", str, OpenApiParameter.PATH, description="THR-YYYY-NNNN")],
        tags=THREATS,
    ),
)
class ThreatViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = Threat.objects.select_related("incident")
    serializer_class = ThreatOutputSerializer
    filterset_class = ThreatFilter
    search_fields = ["title", "threat_type", "source_ip"]
    ordering_fields = ["detected_at", "severity", "confidence", "impact_usd"]
    ordering = ["-detected_at"]
    lookup_field = "human_id"
    lookup_url_kwarg = "threat_id"
    lookup_value_regex = "THR-[0-9]{4}-[0-9]{4,}"

    def get_serializer_class(self):
        return ThreatDetailOutputSerializer if self.action == "retrieve" else ThreatOutputSerializer

    @extend_schema(
        summary="Record an analyst's verdict (confirmed or false positive); feeds the rule's precision",
        request=VerdictInputSerializer,
        responses=ThreatDetailOutputSerializer,
        parameters=[OpenApiParameter("threat_id", str, OpenApiParameter.PATH, description="THR-YYYY-NNNN")],
        tags=THREATS,
    )
    @action(detail=True, methods=["post"])
    def verdict(self, request, threat_id=None):
        threat = self.get_object()
        data = VerdictInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        threat = services.threat_verdict(
            threat=threat, verdict=data.validated_data["verdict"], actor=request.user, request=request
        )
        return Response(ThreatDetailOutputSerializer(threat).data)


class CostModelView(OrganizationScopedMixin, GenericAPIView):
    """impact_usd = severity_costs[severity] x type_multipliers.get(threat_type, 1) x confidence."""

    queryset = CostModel.objects.all()
    serializer_class = CostModelSerializer
    permission_classes = [IsOrgAdminOrReadOnly]

    @extend_schema(
        summary="The organization's threat cost model", responses=CostModelSerializer, tags=THREATS
    )
    def get(self, request):
        return Response(CostModelSerializer(services.cost_model_for(self.organization)).data)

    @extend_schema(
        summary="Change the cost model (admin; keys given are merged into the current model)",
        request=CostModelSerializer,
        responses=CostModelSerializer,
        tags=THREATS,
    )
    def patch(self, request):
        data = CostModelSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        model = services.cost_model_update(
            organization=self.organization, actor=request.user, request=request, **data.validated_data
        )
        return Response(CostModelSerializer(model).data)
