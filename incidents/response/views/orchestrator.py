"""The agent pipeline (seed D agents/status, agents/{name}/configure) and the orchestrator (seed B)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from config.api.errors import ApplicationError, ErrorCode
from incidents.response import selectors
from incidents.response.filters import WorkflowFilter
from incidents.response.models import PipelineStage, PipelineStageConfig, Workflow, WorkflowOrigin
from incidents.response.serializers import (
    AgentConfigOutputSerializer,
    AgentConfigureInputSerializer,
    AgentsStatusOutputSerializer,
    CancelInputSerializer,
    OrchestratedWorkflowOutputSerializer,
    OrchestrateInputSerializer,
    OrchestratorStatusOutputSerializer,
    WorkflowSummaryOutputSerializer,
)
from incidents.response.services import orchestrator as orchestrator_services
from incidents.response.services import pipeline as pipeline_services
from incidents.response.services.workflows import workflow_cancel
from incidents.response.views.common import AGENTS, CONFLICT, INVALID, incident_or_404
from organizations.permissions import IsOrgEditor, IsOrgManager, IsOrgMember
from organizations.viewsets import OrganizationScopedMixin, OrganizationScopedViewSet

ORCHESTRATOR = ["orchestrator"]


class AgentsStatusView(OrganizationScopedMixin, GenericAPIView):
    queryset = PipelineStageConfig.objects.all()
    serializer_class = AgentsStatusOutputSerializer
    permission_classes = [IsOrgMember]

    @extend_schema(
        summary="The detector, analyzer and executor stages: status and today's recorded runs",
        responses=AgentsStatusOutputSerializer,
        tags=AGENTS,
    )
    def get(self, request):
        agents = pipeline_services.pipeline_status(organization=self.organization)
        return Response(AgentsStatusOutputSerializer({"agents": agents}).data)


class AgentConfigureView(OrganizationScopedMixin, GenericAPIView):
    """POST agents/{agent_name}/configure: one of the three pipeline stages, for the caller's organization."""

    queryset = PipelineStageConfig.objects.all()
    serializer_class = AgentConfigOutputSerializer
    permission_classes = [IsOrgManager]

    @extend_schema(
        summary="Configure a pipeline stage for the organization (manager or admin)",
        parameters=[
            OpenApiParameter(
                "agent_name",
                str,
                OpenApiParameter.PATH,
                enum=PipelineStage.values,
                description="The pipeline stage: detector, analyzer or executor.",
            )
        ],
        request=AgentConfigureInputSerializer,
        responses={
            200: AgentConfigOutputSerializer,
            400: INVALID,
            404: OpenApiResponse(description="NOT_FOUND: no such stage"),
        },
        tags=AGENTS,
    )
    def post(self, request, agent_name: str):
        if agent_name not in PipelineStage.values:
            raise ApplicationError(
                ErrorCode.NOT_FOUND,
                f"No pipeline stage '{agent_name}'; the stages are {', '.join(PipelineStage.values)}.",
            )
        data = AgentConfigureInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        config = pipeline_services.stage_configure(
            organization=self.organization,
            stage=agent_name,
            values=dict(data.validated_data),
            actor=request.user,
        )
        return Response(AgentConfigOutputSerializer(config).data)


def _orchestrate(view, request, *, execute_default: bool):
    data = OrchestrateInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    values = data.validated_data
    incident = (
        incident_or_404(view.organization, values["incident_id"]) if values.get("incident_id") else None
    )
    workflow = orchestrator_services.orchestrate(
        organization=view.organization,
        actor=request.user,
        goal=values["goal"],
        incident=incident,
        dry_run=values["dry_run"],
        execute=values["execute"] if "execute" in request.data else execute_default,
    )
    workflow = selectors.workflow_detail(organization=view.organization).get(pk=workflow.pk)
    return Response(OrchestratedWorkflowOutputSerializer(workflow).data, status=status.HTTP_201_CREATED)


class OrchestrateView(OrganizationScopedMixin, GenericAPIView):
    queryset = Workflow.objects.all()
    serializer_class = OrchestratedWorkflowOutputSerializer
    permission_classes = [IsOrgEditor]

    @extend_schema(
        summary="Coordinate the agents with a natural-language goal: a planned workflow, started at once "
        "unless it needs approval",
        request=OrchestrateInputSerializer,
        responses={201: OrchestratedWorkflowOutputSerializer, 400: INVALID},
        tags=ORCHESTRATOR,
    )
    def post(self, request):
        return _orchestrate(self, request, execute_default=True)


class OrchestratorStatusView(OrganizationScopedMixin, GenericAPIView):
    queryset = Workflow.objects.all()
    serializer_class = OrchestratorStatusOutputSerializer
    permission_classes = [IsOrgMember]

    @extend_schema(
        summary="Orchestrator status: the pipeline's agents and the active orchestrated workflows",
        responses=OrchestratorStatusOutputSerializer,
        tags=ORCHESTRATOR,
    )
    def get(self, request):
        body = orchestrator_services.orchestrator_status(organization=self.organization)
        return Response(OrchestratorStatusOutputSerializer(body).data)


WORKFLOW_ID = OpenApiParameter("workflow_id", str, OpenApiParameter.PATH, description="Workflow UUID")


@extend_schema_view(
    list=extend_schema(
        summary="Orchestrated workflows (the engine's workflows planned from a goal)",
        responses=WorkflowSummaryOutputSerializer(many=True),
        tags=ORCHESTRATOR,
    ),
    retrieve=extend_schema(
        summary="One orchestrated workflow: goal, plan, steps and their status",
        parameters=[WORKFLOW_ID],
        tags=ORCHESTRATOR,
    ),
)
class OrchestratorWorkflowViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet
):
    queryset = Workflow.objects.all()
    serializer_class = OrchestratedWorkflowOutputSerializer
    filterset_class = WorkflowFilter
    ordering_fields = ["created_at", "status"]
    ordering = ["-created_at"]
    lookup_url_kwarg = "workflow_id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def scope_queryset(self, queryset):
        queryset = queryset.filter(origin=WorkflowOrigin.ORCHESTRATOR)
        if self.action == "list":
            return queryset
        return queryset.select_related("threat", "incident", "approved_by").prefetch_related("steps")

    def get_serializer_class(self):
        return (
            WorkflowSummaryOutputSerializer if self.action == "list" else OrchestratedWorkflowOutputSerializer
        )

    @extend_schema(
        summary="Create an orchestrated workflow from a goal (started only when execute=true)",
        request=OrchestrateInputSerializer,
        responses={201: OrchestratedWorkflowOutputSerializer, 400: INVALID},
        tags=ORCHESTRATOR,
    )
    def create(self, request):
        return _orchestrate(self, request, execute_default=False)

    @extend_schema(
        summary="Cancel an orchestrated workflow: it stops before its next step",
        request=CancelInputSerializer,
        responses={200: OrchestratedWorkflowOutputSerializer, 409: CONFLICT},
        parameters=[WORKFLOW_ID],
        tags=ORCHESTRATOR,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, workflow_id=None):
        workflow = self.get_object()
        data = CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workflow_cancel(workflow=workflow, actor=request.user, reason=data.validated_data["reason"])
        workflow = selectors.workflow_detail(organization=self.organization).get(pk=workflow.pk)
        return Response(OrchestratedWorkflowOutputSerializer(workflow).data)

    def get_permissions(self):
        if self.action in ("create", "cancel"):
            return [IsOrgEditor()]
        return super().get_permissions()
