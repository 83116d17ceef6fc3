"""Seed B response/actions: the registry and direct execution."""

from __future__ import annotations

from collections import defaultdict

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from incidents.response.actions import action_registry
from incidents.response.models import (
    ActionExecution,
)
from incidents.response.serializers import (
    ActionCategoryOutputSerializer,
    ActionExecuteInputSerializer,
    ExecutionOutputSerializer,
)
from incidents.response.services.executions import action_execute
from incidents.response.views.common import (
    INVALID,
    RESPONSE,
    incident_or_404,
)
from organizations.permissions import IsOrgEditor
from organizations.viewsets import OrganizationScopedMixin


class ActionListView(OrganizationScopedMixin, GenericAPIView):
    queryset = ActionExecution.objects.all()
    serializer_class = ActionCategoryOutputSerializer
    permission_classes = [IsOrgEditor]
    pagination_class = None

    @extend_schema(
        summary="Registered response actions, grouped by category",
        responses=ActionCategoryOutputSerializer(many=True),
        tags=RESPONSE,
    )
    def get(self, request):
        grouped = defaultdict(list)
        for spec in action_registry().values():
            grouped[spec.category].append(
                {
                    "name": spec.name,
                    "category": spec.category,
                    "description": spec.description,
                    "executor": spec.executor,
                    "requires_approval": spec.requires_approval,
                    "reverse": spec.reverse,
                    "aliases": list(spec.aliases),
                    "params_schema": spec.param_schema(),
                }
            )
        body = [{"category": name, "actions": actions} for name, actions in sorted(grouped.items())]
        return Response(ActionCategoryOutputSerializer(body, many=True).data)


class ActionExecuteView(OrganizationScopedMixin, GenericAPIView):
    queryset = ActionExecution.objects.all()
    serializer_class = ExecutionOutputSerializer
    permission_classes = [IsOrgEditor]

    @extend_schema(
        summary="Execute one action now (agent actions are queued for an enrolled agent)",
        description="An editor's direct action is its own approval. dry_run records what would happen.",
        request=ActionExecuteInputSerializer,
        responses={201: ExecutionOutputSerializer, 400: INVALID},
        tags=RESPONSE,
    )
    def post(self, request):
        data = ActionExecuteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        incident = (
            incident_or_404(self.organization, values["incident_id"]) if values.get("incident_id") else None
        )
        execution = action_execute(
            organization=self.organization,
            action=values["action"],
            params=values["params"],
            incident=incident,
            actor=request.user,
            dry_run=values["dry_run"],
        )
        return Response(ExecutionOutputSerializer(execution).data, status=status.HTTP_201_CREATED)
