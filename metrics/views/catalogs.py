from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from metrics.models import Catalog
from metrics.selectors.catalogs import active_catalog_or_error, catalogs_of, metrics_of
from metrics.serializers.catalogs import (
    ActiveCatalogMetricsOutputSerializer,
    CatalogActivatedOutputSerializer,
    CatalogDetailOutputSerializer,
    CatalogImportInputSerializer,
    CatalogImportOutputSerializer,
    CatalogInputSerializer,
    CatalogOutputSerializer,
    CatalogUpdateSerializer,
    MetricCompactOutputSerializer,
)
from metrics.services import catalogs as services
from metrics.services.imports import catalog_import
from organizations.permissions import IsOrgEditor, IsOrgManagerOrReadOnly
from organizations.viewsets import OrganizationScopedViewSet

TAGS = ["catalogs"]


@extend_schema_view(
    list=extend_schema(summary="Catalogs of the organization (one is active)", tags=TAGS),
    retrieve=extend_schema(
        summary="One catalog with its metrics", responses=CatalogDetailOutputSerializer, tags=TAGS
    ),
)
class CatalogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = Catalog.objects.all()
    serializer_class = CatalogOutputSerializer
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["-is_active", "name"]
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_permissions(self):
        # Switching the organization's active catalog or deleting one is a manager's decision.
        if self.action in ("activate", "destroy"):
            return [IsOrgManagerOrReadOnly()]
        return [IsOrgEditor()]

    def scope_queryset(self, queryset):
        return catalogs_of(organization=self.organization)

    def retrieve(self, request, pk=None):
        catalog = self.get_object()
        catalog.metrics_list = (
            metrics_of(organization=self.organization).filter(catalog=catalog).order_by("metric_number")
        )
        data = CatalogOutputSerializer(catalog).data
        data["metrics"] = MetricCompactOutputSerializer(catalog.metrics_list, many=True).data
        return Response(data)

    @extend_schema(
        summary="Create a catalog",
        request=CatalogInputSerializer,
        responses={201: CatalogOutputSerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = CatalogInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        catalog = services.catalog_create(
            organization=self.organization, owner=request.user, **data.validated_data
        )
        return Response(
            CatalogOutputSerializer(self.get_queryset().get(pk=catalog.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Rename or describe a catalog",
        request=CatalogUpdateSerializer,
        responses=CatalogOutputSerializer,
        tags=TAGS,
    )
    def partial_update(self, request, pk=None):
        catalog = self.get_object()
        data = CatalogUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.catalog_update(catalog=catalog, **data.validated_data)
        return Response(CatalogOutputSerializer(self.get_queryset().get(pk=catalog.pk)).data)

    @extend_schema(
        summary="Delete a catalog and its metrics (not the active one)", responses={204: None}, tags=TAGS
    )
    def destroy(self, request, pk=None):
        services.catalog_delete(catalog=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Make this the active catalog",
        request=None,
        responses=CatalogActivatedOutputSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        catalog = services.catalog_activate(catalog=self.get_object())
        return Response({"message": "Catalog activated", "catalog_id": catalog.pk})

    @extend_schema(
        summary="Metrics of the active catalog", responses=ActiveCatalogMetricsOutputSerializer, tags=TAGS
    )
    @action(detail=False, methods=["get"], url_path="active/metrics", pagination_class=None)
    def active_metrics(self, request):
        catalog = active_catalog_or_error(organization=self.organization)
        metrics = metrics_of(organization=self.organization).filter(catalog=catalog).order_by("metric_number")
        return Response(
            {
                "catalog": {"id": catalog.pk, "name": catalog.name},
                "metrics": MetricCompactOutputSerializer(metrics, many=True).data,
                "total": len(metrics),
            }
        )

    @extend_schema(
        summary="Import metrics from CSV (all rows or none)",
        request={"multipart/form-data": CatalogImportInputSerializer},
        responses=CatalogImportOutputSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_csv(self, request, pk=None):
        catalog = self.get_object()
        dry_run = str(request.data.get("dry_run", "")).lower() in ("1", "true", "yes", "on")
        result = catalog_import(
            catalog=catalog,
            user=request.user,
            upload=request.FILES.get("file"),
            field_mapping=request.data.get("field_mapping"),
            dry_run=dry_run,
        )
        return Response(result)
