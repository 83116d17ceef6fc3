"""Triggers (seed B): CRUD, enable/disable, settings, simulate, stats, bulk operations."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from incidents.response.filters import TriggerFilter
from incidents.response.models import (
    Trigger,
    TriggerStatus,
)
from incidents.response.serializers import (
    SimulateInputSerializer,
    SimulateOutputSerializer,
    TriggerBulkInputSerializer,
    TriggerBulkOutputSerializer,
    TriggerInputSerializer,
    TriggerOutputSerializer,
    TriggerSettingsInputSerializer,
    TriggerSummaryOutputSerializer,
)
from incidents.response.services import triggers as trigger_services
from incidents.response.views.common import (
    CONFLICT,
    INVALID,
    TRIGGERS,
)
from organizations.permissions import IsOrgManagerOrReadOnly
from organizations.viewsets import OrganizationScopedViewSet

TRIGGER_ID = OpenApiParameter("trigger_id", str, OpenApiParameter.PATH, description="Trigger UUID")


@extend_schema_view(
    list=extend_schema(summary="Triggers of the organization", tags=TRIGGERS),
    retrieve=extend_schema(summary="One trigger", parameters=[TRIGGER_ID], tags=TRIGGERS),
    destroy=extend_schema(summary="Delete a trigger", parameters=[TRIGGER_ID], tags=TRIGGERS),
)
class TriggerViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, OrganizationScopedViewSet
):
    queryset = Trigger.objects.all()
    serializer_class = TriggerOutputSerializer
    permission_classes = [IsOrgManagerOrReadOnly]
    filterset_class = TriggerFilter
    search_fields = ["name", "description"]
    ordering_fields = ["priority", "name", "created_at", "fire_count"]
    ordering = ["priority", "name"]
    lookup_url_kwarg = "trigger_id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    @extend_schema(
        summary="Create a trigger (its condition is validated; errors name the path)",
        request=TriggerInputSerializer,
        responses={201: TriggerOutputSerializer, 400: INVALID, 409: CONFLICT},
        tags=TRIGGERS,
    )
    def create(self, request):
        data = TriggerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        trigger = trigger_services.trigger_create(
            organization=self.organization, actor=request.user, **data.validated_data
        )
        return Response(TriggerOutputSerializer(trigger).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Replace a trigger's configuration",
        request=TriggerInputSerializer,
        responses={200: TriggerOutputSerializer, 400: INVALID, 409: CONFLICT},
        parameters=[TRIGGER_ID],
        tags=TRIGGERS,
    )
    def update(self, request, trigger_id=None):
        trigger = self.get_object()
        data = TriggerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        trigger = trigger_services.trigger_update(trigger=trigger, actor=request.user, **data.validated_data)
        return Response(TriggerOutputSerializer(trigger).data)

    def perform_destroy(self, instance):
        trigger_services.trigger_delete(trigger=instance, actor=self.request.user)

    def _set_status(self, request, new_status):
        trigger = self.get_object()
        trigger = trigger_services.trigger_update(trigger=trigger, actor=request.user, status=new_status)
        return Response(TriggerOutputSerializer(trigger).data)

    @extend_schema(
        summary="Enable a trigger",
        request=None,
        responses=TriggerOutputSerializer,
        parameters=[TRIGGER_ID],
        tags=TRIGGERS,
    )
    @action(detail=True, methods=["post"])
    def enable(self, request, trigger_id=None):
        return self._set_status(request, TriggerStatus.ACTIVE)

    @extend_schema(
        summary="Disable (pause) a trigger",
        request=None,
        responses=TriggerOutputSerializer,
        parameters=[TRIGGER_ID],
        tags=TRIGGERS,
    )
    @action(detail=True, methods=["post"])
    def disable(self, request, trigger_id=None):
        return self._set_status(request, TriggerStatus.PAUSED)

    @extend_schema(
        summary="Change a trigger's settings (auto_execute, cooldown, rate limit, priority)",
        request=TriggerSettingsInputSerializer,
        responses={200: TriggerOutputSerializer, 400: INVALID},
        parameters=[TRIGGER_ID],
        tags=TRIGGERS,
    )
    @action(detail=True, methods=["patch"], url_path="settings")
    def trigger_settings(self, request, trigger_id=None):
        trigger = self.get_object()
        data = TriggerSettingsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        trigger = trigger_services.trigger_update(trigger=trigger, actor=request.user, **data.validated_data)
        return Response(TriggerOutputSerializer(trigger).data)

    @extend_schema(
        summary="Evaluate the trigger against recent incidents without acting: what would have fired",
        request=SimulateInputSerializer,
        responses={200: SimulateOutputSerializer, 400: INVALID},
        parameters=[TRIGGER_ID],
        tags=TRIGGERS,
    )
    @action(detail=True, methods=["post"])
    def simulate(self, request, trigger_id=None):
        trigger = self.get_object()
        data = SimulateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            SimulateOutputSerializer(
                trigger_services.trigger_simulate(trigger=trigger, **data.validated_data)
            ).data
        )

    @extend_schema(summary="Trigger statistics", responses=TriggerSummaryOutputSerializer, tags=TRIGGERS)
    @action(detail=False, methods=["get"], url_path="stats/summary")
    def stats_summary(self, request):
        return Response(
            TriggerSummaryOutputSerializer(
                trigger_services.triggers_summary(organization=self.organization)
            ).data
        )

    def _bulk(self, request, new_status):
        data = TriggerBulkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changed = trigger_services.triggers_set_status(
            organization=self.organization,
            ids=data.validated_data["ids"],
            status=new_status,
            actor=request.user,
        )
        return Response(TriggerBulkOutputSerializer({"changed": changed, "status": new_status}).data)

    @extend_schema(
        summary="Pause several triggers",
        request=TriggerBulkInputSerializer,
        responses={200: TriggerBulkOutputSerializer, 400: INVALID},
        tags=TRIGGERS,
    )
    @action(detail=False, methods=["post"], url_path="bulk/pause")
    def bulk_pause(self, request):
        return self._bulk(request, TriggerStatus.PAUSED)

    @extend_schema(
        summary="Resume several triggers",
        request=TriggerBulkInputSerializer,
        responses={200: TriggerBulkOutputSerializer, 400: INVALID},
        tags=TRIGGERS,
    )
    @action(detail=False, methods=["post"], url_path="bulk/resume")
    def bulk_resume(self, request):
        return self._bulk(request, TriggerStatus.ACTIVE)

    @extend_schema(
        summary="Archive several triggers (they stop evaluating)",
        request=TriggerBulkInputSerializer,
        responses={200: TriggerBulkOutputSerializer, 400: INVALID},
        tags=TRIGGERS,
    )
    @action(detail=False, methods=["post"], url_path="bulk/archive")
    def bulk_archive(self, request):
        return self._bulk(request, TriggerStatus.ARCHIVED)
