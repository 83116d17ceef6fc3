"""Ingestion and reads of productivity metrics and agent executions; MCP collection and config."""

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.authentication import OrganizationJWTAuthentication
from metrics.productivity.models import AgentExecution, MetricBatch, ProductivityMetric
from metrics.productivity.permissions import CanReadOrIngestMetrics, IsMcpKey
from metrics.productivity.selectors import metrics as selectors
from metrics.productivity.serializers.ingest import (
    AgentExecutionInputSerializer,
    IngestSummaryOutputSerializer,
    McpCollectInputSerializer,
    ProductivityMetricInputSerializer,
    summary,
)
from metrics.productivity.serializers.mcp import McpConfigOutputSerializer
from metrics.productivity.serializers.queries import (
    AgentsOutputSerializer,
    AgentsQuerySerializer,
    MetricRowOutputSerializer,
    MetricsQuerySerializer,
)
from metrics.productivity.services import ingest as services
from organizations.authentication import ApiKeyAuthentication
from organizations.models import ApiKeyScope
from organizations.permissions import IsOrgAdmin, request_api_key
from organizations.viewsets import OrganizationScopedMixin

TAGS = ["productivity"]
INGEST_RESPONSES = {
    201: IngestSummaryOutputSerializer,
    400: OpenApiResponse(description="VALIDATION_ERROR: not a list, or empty"),
    413: OpenApiResponse(description="PAYLOAD_TOO_LARGE: more items than PRODUCTIVITY_MAX_BATCH_ITEMS"),
    429: OpenApiResponse(description="RATE_LIMITED: the organization's ingest rate"),
}


class _IngestAndReadView(OrganizationScopedMixin, GenericAPIView):
    permission_classes = [CanReadOrIngestMetrics]

    @property
    def rate_group(self) -> str:
        return "ingest" if self.request.method == "POST" else "standard"

    def created(self, result) -> Response:
        return Response(summary(result), status=status.HTTP_201_CREATED)


class ProductivityMetricsView(_IngestAndReadView):
    queryset = ProductivityMetric.objects.all()
    serializer_class = MetricRowOutputSerializer

    @extend_schema(
        summary="Productivity metrics, raw or aggregated per hour/day/week/month by the database",
        parameters=[MetricsQuerySerializer],
        responses=MetricRowOutputSerializer(many=True),
        tags=TAGS,
    )
    def get(self, request):
        params = MetricsQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        query = selectors.MetricQuery(
            user_id=values.get("user_id"),
            team_id=values.get("team_id"),
            metric_type=values.get("metric_type"),
            start=values.get("start_date"),
            end=values.get("end_date"),
        )
        aggregation = values.get("aggregation")
        if aggregation:
            rows = selectors.metric_buckets(
                organization=self.organization, query=query, aggregation=aggregation
            )
            page = [selectors.bucket_row(row) for row in self.paginate_queryset(rows)]
        else:
            page = [
                {
                    "id": row.pk,
                    "timestamp": row.timestamp,
                    "metric_type": row.metric_type,
                    "value": row.value,
                    "user_id": row.user_id,
                    "team_id": row.team_id,
                    "metadata": row.metadata,
                }
                for row in self.paginate_queryset(
                    selectors.metric_rows(organization=self.organization, query=query)
                )
            ]
        return self.get_paginated_response(MetricRowOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Ingest productivity metrics (a JSON array; idempotent on each item's id)",
        request=ProductivityMetricInputSerializer(many=True),
        responses=INGEST_RESPONSES,
        tags=TAGS,
    )
    def post(self, request):
        result = services.productivity_ingest(
            organization=self.organization, items=request.data, api_key=request_api_key(request)
        )
        return self.created(result)


class AgentMetricsView(_IngestAndReadView):
    queryset = AgentExecution.objects.all()
    serializer_class = AgentsOutputSerializer
    pagination_class = None

    @extend_schema(
        summary="AI-agent usage: counts, success rate and latency statistics per agent",
        parameters=[AgentsQuerySerializer],
        responses=AgentsOutputSerializer,
        tags=TAGS,
    )
    def get(self, request):
        params = AgentsQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        stats = selectors.agent_statistics(
            organization=self.organization,
            query=selectors.AgentQuery(
                agent_name=values.get("agent_name"),
                user_id=values.get("user_id"),
                team_id=values.get("team_id"),
                success_only=values.get("success_only", False),
                start=values.get("start_date"),
                end=values.get("end_date"),
            ),
        )
        return Response(AgentsOutputSerializer(stats).data)

    @extend_schema(
        summary="Ingest AI-agent executions (a JSON array; idempotent on each item's id)",
        request=AgentExecutionInputSerializer(many=True),
        responses=INGEST_RESPONSES,
        tags=TAGS,
    )
    def post(self, request):
        result = services.agents_ingest(
            organization=self.organization, items=request.data, api_key=request_api_key(request)
        )
        return self.created(result)


class McpCollectView(OrganizationScopedMixin, GenericAPIView):
    queryset = MetricBatch.objects.all()
    serializer_class = IngestSummaryOutputSerializer
    authentication_classes = [ApiKeyAuthentication, OrganizationJWTAuthentication]
    permission_classes = [IsMcpKey]
    rate_group = "ingest"

    @extend_schema(
        summary="MCP servers: collect agent executions (X-API-Key with the mcp scope)",
        description=(
            "Seed C's body: one execution object, or a JSON array of them (at most "
            "PRODUCTIVITY_MAX_BATCH_ITEMS). Answers with the batch_id. 10,000 requests per minute per "
            "organization (the plan's ingest rate), 429 past it."
        ),
        request=McpCollectInputSerializer,
        responses=INGEST_RESPONSES,
        tags=["mcp"],
    )
    def post(self, request):
        items = request.data if isinstance(request.data, list) else [request.data]
        result = services.mcp_collect(
            organization=self.organization, items=items, api_key=request_api_key(request)
        )
        return Response(summary(result), status=status.HTTP_201_CREATED)


class McpConfigView(OrganizationScopedMixin, GenericAPIView):
    queryset = MetricBatch.objects.all()
    serializer_class = McpConfigOutputSerializer
    permission_classes = [IsOrgAdmin]
    pagination_class = None

    @extend_schema(
        summary="What an MCP server needs to send data (admins of that organization)",
        responses=McpConfigOutputSerializer,
        tags=["mcp"],
    )
    def get(self, request, organization_id):
        if str(organization_id) != str(self.organization.pk):
            raise Http404
        from organizations.models import ApiKey

        keys = [
            {"name": key.name, "prefix": key.prefix, "expires_at": key.expires_at}
            for key in ApiKey.objects.for_organization(self.organization)
            .filter(revoked_at=None)
            .order_by("-created_at")
            if ApiKeyScope.MCP in key.scopes
        ]
        config = {
            "organization_id": self.organization.pk,
            "organization_name": self.organization.name,
            "endpoints": {
                "collect": request.build_absolute_uri(reverse("mcp-collect")),
                "productivity_metrics": request.build_absolute_uri(reverse("productivity-metrics")),
                "agent_metrics": request.build_absolute_uri(reverse("agent-metrics")),
                "hooks_register": request.build_absolute_uri("/api/v1/mcp/hooks/register"),
            },
            "auth": {
                "header": "X-API-Key",
                "scope": ApiKeyScope.MCP,
                "keys": keys,
                "note": "Keys are shown once when created (POST /api/v1/api-keys); only their prefixes are listed.",
            },
            "collection": {
                "max_batch_items": settings.PRODUCTIVITY_MAX_BATCH_ITEMS,
                "rate_limit": "ingest group: the plan's requests per minute per organization",
                "idempotency": "items carrying an id already stored are counted as duplicates and not stored again",
                "item_fields": list(McpCollectInputSerializer().fields),
            },
        }
        return Response(McpConfigOutputSerializer(config).data)
