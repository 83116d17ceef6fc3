from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from incidents.analytics import selectors
from incidents.analytics.serializers import (
    MetricsOutputSerializer,
    MetricsQuerySerializer,
    SocDashboardOutputSerializer,
)
from incidents.threats.models import Threat
from organizations.permissions import IsOrgEditor
from organizations.viewsets import OrganizationScopedMixin

ANALYTICS = ["analytics"]


class DashboardView(OrganizationScopedMixin, GenericAPIView):
    queryset = Threat.objects.all()
    serializer_class = SocDashboardOutputSerializer
    permission_classes = [IsOrgEditor]
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        summary="Today's and this week's threats, mitigations, response time and top types",
        responses=SocDashboardOutputSerializer,
        tags=ANALYTICS,
    )
    def get(self, request):
        return Response(SocDashboardOutputSerializer(selectors.dashboard(self.organization)).data)


class MetricsView(OrganizationScopedMixin, GenericAPIView):
    queryset = Threat.objects.all()
    serializer_class = MetricsOutputSerializer
    permission_classes = [IsOrgEditor]
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        summary="One metric over time with min, max, avg, p50, p95, p99",
        parameters=[MetricsQuerySerializer],
        responses=MetricsOutputSerializer,
        tags=ANALYTICS,
    )
    def get(self, request):
        query = MetricsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.range(timezone.now())
        series = selectors.metric_series(
            self.organization,
            metric=query.validated_data["metric"],
            start=start,
            end=end,
            interval=query.validated_data["interval"],
        )
        return Response(MetricsOutputSerializer(series).data)
