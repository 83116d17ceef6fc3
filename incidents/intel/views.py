from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.errors import ApplicationError, ErrorCode
from incidents.filters import IndicatorFilter
from incidents.intel import services
from incidents.intel.models import Indicator
from incidents.intel.serializers import (
    IndicatorImportInputSerializer,
    IndicatorImportOutputSerializer,
    IndicatorInputSerializer,
    IndicatorOutputSerializer,
    IndicatorUpdateSerializer,
)
from organizations.viewsets import OrganizationScopedViewSet

INTEL = ["threat-intelligence"]


@extend_schema_view(
    list=extend_schema(summary="Threat-intelligence indicators", tags=INTEL),
    retrieve=extend_schema(summary="One indicator", tags=INTEL),
)
class IndicatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = Indicator.objects.all()
    serializer_class = IndicatorOutputSerializer
    filterset_class = IndicatorFilter
    search_fields = ["value", "description", "source"]
    ordering_fields = ["created_at", "confidence", "hits", "value"]
    ordering = ["type", "value"]

    @extend_schema(
        summary="Add an indicator",
        request=IndicatorInputSerializer,
        responses={201: IndicatorOutputSerializer},
        tags=INTEL,
    )
    def create(self, request):
        data = IndicatorInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        indicator = services.indicator_create(
            organization=self.organization, actor=request.user, request=request, **data.validated_data
        )
        return Response(IndicatorOutputSerializer(indicator).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an indicator",
        request=IndicatorUpdateSerializer,
        responses=IndicatorOutputSerializer,
        tags=INTEL,
    )
    def partial_update(self, request, pk=None):
        indicator = self.get_object()
        data = IndicatorUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        indicator = services.indicator_update(
            indicator=indicator, actor=request.user, request=request, **data.validated_data
        )
        return Response(IndicatorOutputSerializer(indicator).data)

    @extend_schema(summary="Delete an indicator", responses={204: None}, tags=INTEL)
    def destroy(self, request, pk=None):
        services.indicator_delete(indicator=self.get_object(), actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Import indicators from CSV or a STIX 2.1 bundle (all or nothing)",
        request=IndicatorImportInputSerializer,
        responses={201: IndicatorImportOutputSerializer},
        tags=INTEL,
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_indicators(self, request):
        data = IndicatorImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        content = data.validated_data["content"]
        common = {
            "organization": self.organization,
            "source": data.validated_data["source"],
            "actor": request.user,
            "request": request,
        }
        if data.validated_data["format"] == "csv":
            if not isinstance(content, str):
                raise ApplicationError(ErrorCode.VALIDATION_ERROR, "content: CSV text expected.")
            counts = services.indicators_import_csv(text=content, **common)
        else:
            counts = services.indicators_import_stix(bundle=content, **common)
        return Response(IndicatorImportOutputSerializer(counts).data, status=status.HTTP_201_CREATED)
