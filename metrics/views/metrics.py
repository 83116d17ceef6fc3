import uuid

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.errors import ApplicationError, ErrorCode
from metrics.filters import MetricFilter
from metrics.models import Metric
from metrics.selectors.catalogs import active_catalog, catalog_param, metric_history
from metrics.serializers.catalogs import (
    MetricDetailOutputSerializer,
    MetricInputSerializer,
    MetricOutputSerializer,
    MetricUpdateSerializer,
)
from metrics.services import exports
from metrics.services.metrics import metric_create, metric_delete, metric_update
from metrics.views.csv import CSVAwareMixin, RawCSVSchema
from organizations.models import Role
from organizations.viewsets import OrganizationScopedViewSet

TAGS = ["metrics"]


def _ids_param(raw: str | None) -> list[str] | None:
    if not raw:
        return None
    ids = []
    for part in raw.split(","):
        try:
            ids.append(str(uuid.UUID(part.strip())))
        except ValueError:
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                f"ids: {part.strip()!r} is not a metric id.",
                {"fields": {"ids": ["Comma-separated metric UUIDs."]}},
            ) from None
    return ids


@extend_schema_view(
    list=extend_schema(summary="Metrics of the active catalog (or ?catalog=)", tags=TAGS),
    retrieve=extend_schema(
        summary="One metric with its value history", responses=MetricDetailOutputSerializer, tags=TAGS
    ),
)
class MetricViewSet(
    CSVAwareMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet
):
    queryset = Metric.objects.select_related("framework", "function", "category", "subcategory")
    serializer_class = MetricOutputSerializer
    filterset_class = MetricFilter
    search_fields = ["name", "description", "metric_number"]
    ordering_fields = [
        "metric_number",
        "name",
        "priority",
        "current_value",
        "target_value",
        "created_at",
        "updated_at",
    ]
    ordering = ["metric_number"]
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    csv_actions = ("export",)
    schema = RawCSVSchema()

    @property
    def rate_group(self) -> str:
        return "export" if self.action == "export" else "standard"

    def scope_queryset(self, queryset):
        if self.action in ("list", "export") and not self.request.query_params.get("catalog"):
            catalog = active_catalog(organization=self.organization)
            return queryset.filter(catalog=catalog) if catalog else queryset.none()
        return queryset

    def retrieve(self, request, pk=None):
        metric = self.get_object()
        metric.recent_history = metric_history(metric=metric)
        return Response(MetricDetailOutputSerializer(metric).data)

    @extend_schema(
        summary="Create a metric (its number is assigned)",
        request=MetricInputSerializer,
        responses={201: MetricOutputSerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = MetricInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        catalog_id = values.pop("catalog_id", None)
        catalog = catalog_param(
            organization=self.organization, reference=str(catalog_id) if catalog_id else None
        )
        metric = metric_create(organization=self.organization, catalog=catalog, user=request.user, **values)
        return Response(
            MetricOutputSerializer(self.get_queryset().get(pk=metric.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Change a metric (a locked metric only accepts being unlocked, by an admin)",
        request=MetricUpdateSerializer,
        responses=MetricOutputSerializer,
        tags=TAGS,
    )
    def partial_update(self, request, pk=None):
        metric = self.get_object()
        data = MetricUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        membership = getattr(request, "membership", None)
        metric_update(
            metric=metric,
            user=request.user,
            is_admin=bool(membership and membership.has_role(Role.ADMIN)),
            changes=dict(data.validated_data),
        )
        return Response(MetricOutputSerializer(self.get_queryset().get(pk=metric.pk)).data)

    @extend_schema(summary="Delete a metric (not while locked)", responses={204: None}, tags=TAGS)
    def destroy(self, request, pk=None):
        metric_delete(metric=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Export metrics as CSV (streamed; formula cells escaped)",
        parameters=[
            OpenApiParameter("ids", OpenApiTypes.STR, description="Comma-separated metric ids."),
        ],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV file")},
        tags=TAGS,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        metrics = self.filter_queryset(self.get_queryset())
        if ids := _ids_param(request.query_params.get("ids")):
            metrics = metrics.filter(pk__in=ids)
        response = StreamingHttpResponse(
            exports.export_lines(metrics.iterator(chunk_size=500)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="metrics-{timezone.now():%Y%m%d-%H%M%S}.csv"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
