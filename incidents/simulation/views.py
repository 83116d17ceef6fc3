from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.response import Response

from incidents.simulation import services
from incidents.simulation.models import AttackSimulation
from incidents.simulation.serializers import (
    SimulationDetailSerializer,
    SimulationInputSerializer,
    SimulationOutputSerializer,
)
from organizations.permissions import IsOrgEditor
from organizations.viewsets import OrganizationScopedViewSet

SIMULATION = ["simulation"]


@extend_schema_view(
    list=extend_schema(summary="Attack simulations", tags=SIMULATION),
    retrieve=extend_schema(
        summary="A simulation's progress and the threats it produced",
        parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH, description="SIM-YYYY-NNNN")],
        tags=SIMULATION,
    ),
)
class SimulationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = AttackSimulation.objects.all()
    serializer_class = SimulationOutputSerializer
    permission_classes = [IsOrgEditor]
    filterset_fields = ["attack_type", "status"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]
    lookup_field = "human_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = "SIM-[0-9]{4}-[0-9]{4,}"

    def get_serializer_class(self):
        return SimulationDetailSerializer if self.action == "retrieve" else SimulationOutputSerializer

    @extend_schema(
        summary="Simulate an attack: realistic events through the real ingest and detection path (a Celery job)",
        request=SimulationInputSerializer,
        responses={202: SimulationOutputSerializer},
        tags=SIMULATION,
    )
    def create(self, request):
        data = SimulationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        simulation = services.simulation_start(
            organization=self.organization, actor=request.user, request=request, **data.validated_data
        )
        return Response(SimulationOutputSerializer(simulation).data, status=202)
