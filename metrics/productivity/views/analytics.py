"""Trends, team comparison and agent usage beside delivery figures."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from metrics.productivity.models import ProductivityMetric
from metrics.productivity.selectors import analytics
from metrics.productivity.serializers.queries import (
    AgentOutcomesOutputSerializer,
    AgentOutcomesQuerySerializer,
    TeamComparisonOutputSerializer,
    TeamComparisonQuerySerializer,
    TrendsOutputSerializer,
    TrendsQuerySerializer,
    default_range,
)
from organizations.permissions import IsOrgMember
from organizations.viewsets import OrganizationScopedMixin

TAGS = ["productivity analytics"]


class _AnalyticsView(OrganizationScopedMixin, GenericAPIView):
    queryset = ProductivityMetric.objects.all()
    permission_classes = [IsOrgMember]
    pagination_class = None

    def params(self, serializer_class) -> dict:
        params = serializer_class(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return dict(params.validated_data)


class ProductivityTrendsView(_AnalyticsView):
    serializer_class = TrendsOutputSerializer

    @extend_schema(
        summary="Values per period, growth rates against the comparison period, and insights",
        parameters=[TrendsQuerySerializer],
        responses=TrendsOutputSerializer,
        tags=TAGS,
    )
    def get(self, request):
        values = self.params(TrendsQuerySerializer)
        start, end = default_range(values)
        trends = analytics.productivity_trends(
            organization=self.organization,
            start=start,
            end=end,
            granularity=values["granularity"],
            comparison_period=values["comparison_period"],
            team_id=values.get("team_id"),
            user_id=values.get("user_id"),
            metric_types=tuple(values.get("metric_types") or ()),
        )
        return Response(TrendsOutputSerializer(trends).data)


class TeamComparisonView(_AnalyticsView):
    serializer_class = TeamComparisonOutputSerializer

    @extend_schema(
        summary="Per-team figures and a ranking per metric type",
        parameters=[TeamComparisonQuerySerializer],
        responses=TeamComparisonOutputSerializer,
        tags=TAGS,
    )
    def get(self, request):
        values = self.params(TeamComparisonQuerySerializer)
        comparison = analytics.team_comparison(
            organization=self.organization,
            start=values["start_date"],
            end=values["end_date"],
            team_ids=values.get("team_ids") or None,
            metric_types=tuple(values.get("metric_types") or ()),
            statistic=values["statistic"],
            order=values["order"],
        )
        return Response(TeamComparisonOutputSerializer(comparison).data)


class AgentOutcomesView(_AnalyticsView):
    serializer_class = AgentOutcomesOutputSerializer

    @extend_schema(
        summary="Per team: AI-agent sessions, success rate, latency, tokens and cost beside delivery metrics",
        parameters=[AgentOutcomesQuerySerializer],
        responses=AgentOutcomesOutputSerializer,
        tags=TAGS,
    )
    def get(self, request):
        values = self.params(AgentOutcomesQuerySerializer)
        start, end = default_range(values)
        outcomes = analytics.agent_outcomes(
            organization=self.organization,
            start=start,
            end=end,
            team_id=values.get("team_id"),
            delivery_metric_types=tuple(values.get("delivery_metric_types") or ()),
        )
        return Response(AgentOutcomesOutputSerializer(outcomes).data)
