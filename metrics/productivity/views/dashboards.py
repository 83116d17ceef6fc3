"""Dashboards: list (scope, default_only), create, read, replace (PUT), delete, and widget data."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from metrics.productivity.models import Dashboard
from metrics.productivity.selectors.dashboards import dashboards_visible_to, widget_data
from metrics.productivity.serializers.dashboards import (
    DashboardInputSerializer,
    DashboardListQuerySerializer,
    DashboardOutputSerializer,
)
from metrics.productivity.services import dashboards as services
from organizations.models import Team
from organizations.permissions import IsOrgEditor
from organizations.viewsets import OrganizationScopedViewSet

TAGS = ["dashboards"]


class WidgetDataSerializer(serializers.Serializer):
    widget_id = serializers.CharField()
    data = serializers.JSONField()  # type: ignore[assignment]  # declared fields leave the class


class DashboardDataOutputSerializer(serializers.Serializer):
    dashboard_id = serializers.UUIDField()
    widgets = WidgetDataSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        summary="Dashboards you may see", parameters=[DashboardListQuerySerializer], tags=TAGS
    ),
    retrieve=extend_schema(summary="One dashboard", tags=TAGS),
)
class DashboardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = Dashboard.objects.all()
    serializer_class = DashboardOutputSerializer
    permission_classes = [IsOrgEditor]
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def scope_queryset(self, queryset):
        request = self.request
        visible = dashboards_visible_to(
            organization=self.organization, user=request.user, membership=getattr(request, "membership", None)
        )
        queryset = queryset.filter(pk__in=visible.values("pk"))
        if self.action == "list":
            params = DashboardListQuerySerializer(data=request.query_params)
            params.is_valid(raise_exception=True)
            if params.validated_data.get("scope"):
                queryset = queryset.filter(scope=params.validated_data["scope"])
            if params.validated_data.get("default_only"):
                queryset = queryset.filter(is_default=True)
        return queryset

    def _values(self, request) -> dict:
        data = DashboardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        team_id = values.pop("team_id", None)
        if (
            team_id is not None
            and not Team.objects.for_organization(self.organization).filter(pk=team_id).exists()
        ):
            raise serializers.ValidationError({"team_id": ["No such team in this organization."]})
        values["team_id"] = team_id
        return values

    @extend_schema(
        summary="Create a dashboard (user: editors; team: managers or the team's leads; organization: managers)",
        request=DashboardInputSerializer,
        responses={201: DashboardOutputSerializer},
        tags=TAGS,
    )
    def create(self, request):
        dashboard = services.dashboard_create(
            organization=self.organization,
            user=request.user,
            membership=getattr(request, "membership", None),
            **self._values(request),
        )
        return Response(DashboardOutputSerializer(dashboard).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Replace a dashboard",
        request=DashboardInputSerializer,
        responses=DashboardOutputSerializer,
        tags=TAGS,
    )
    def update(self, request, pk=None):
        dashboard = self.get_object()
        dashboard = services.dashboard_update(
            dashboard=dashboard,
            user=request.user,
            membership=getattr(request, "membership", None),
            changes=self._values(request),
        )
        return Response(DashboardOutputSerializer(dashboard).data)

    @extend_schema(summary="Delete a dashboard", responses={204: None}, tags=TAGS)
    def destroy(self, request, pk=None):
        services.dashboard_delete(
            dashboard=self.get_object(), user=request.user, membership=getattr(request, "membership", None)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Current data of every widget (what dashboard_update pushes)",
        responses=DashboardDataOutputSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def data(self, request, pk=None):
        dashboard = self.get_object()
        widgets = [
            {"widget_id": str(widget.get("id")), "data": widget_data(dashboard=dashboard, widget=widget)}
            for widget in dashboard.layout or []
        ]
        return Response(
            DashboardDataOutputSerializer({"dashboard_id": dashboard.pk, "widgets": widgets}).data
        )
