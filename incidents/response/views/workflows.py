"""Response workflows (seed B) and playbooks with approval (seed D) over one engine; impact metrics."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from config.api.errors import ApplicationError, ErrorCode
from incidents.response import selectors
from incidents.response.filters import PlaybookFilter, WorkflowFilter
from incidents.response.models import (
    ActionExecution,
    StepStatus,
    Workflow,
)
from incidents.response.serializers import (
    ApproveInputSerializer,
    ApproveOutputSerializer,
    CancelInputSerializer,
    ExecutionOutputSerializer,
    ImpactOutputSerializer,
    WorkflowCreateInputSerializer,
    WorkflowDetailOutputSerializer,
    WorkflowExecuteInputSerializer,
    WorkflowOutputSerializer,
    WorkflowStatusOutputSerializer,
)
from incidents.response.services import workflows as workflow_services
from incidents.response.views.common import (
    CONFLICT,
    INVALID,
    PLAYBOOKS,
    RESPONSE,
    incident_or_404,
)
from incidents.threats.models import Threat
from organizations.permissions import IsOrgEditor, IsOrgManager
from organizations.viewsets import OrganizationScopedMixin, OrganizationScopedViewSet

WORKFLOW_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="Workflow UUID")


def _workflow_by_reference(organization, reference: str) -> Workflow:
    workflows = Workflow.objects.for_organization(organization)
    found = workflows.filter(human_id=reference).first()
    if found is None:
        try:
            found = workflows.filter(pk=reference).first()
        except Exception:
            found = None
    if found is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such workflow.")
    return found


@extend_schema_view(list=extend_schema(summary="Response workflows, with filters", tags=RESPONSE))
class WorkflowViewSet(mixins.ListModelMixin, OrganizationScopedViewSet):
    queryset = Workflow.objects.all()
    serializer_class = WorkflowOutputSerializer
    filterset_class = WorkflowFilter
    search_fields = ["name", "human_id"]
    ordering_fields = ["created_at", "status", "estimated_success"]
    ordering = ["-created_at"]
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def scope_queryset(self, queryset):
        if self.action == "list":
            return selectors.workflows_of(organization=self.organization)
        return queryset.select_related("threat", "incident", "approved_by").prefetch_related("steps")

    @extend_schema(
        summary="Create a workflow (it waits for approval when one of its actions needs it)",
        request=WorkflowCreateInputSerializer,
        responses={201: WorkflowDetailOutputSerializer, 400: INVALID},
        tags=RESPONSE,
    )
    @action(detail=False, methods=["post"], url_path="create")
    def create_workflow(self, request):
        data = WorkflowCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        incident = (
            incident_or_404(self.organization, values["incident_id"]) if values.get("incident_id") else None
        )
        threat = None
        if values.get("threat_id"):
            threat = (
                Threat.objects.for_organization(self.organization)
                .filter(human_id=values["threat_id"])
                .first()
            )
            if threat is None:
                raise ApplicationError(ErrorCode.NOT_FOUND, "No such threat.")
        steps = [dict(step) for step in values["steps"]]
        workflow = workflow_services.workflow_create(
            organization=self.organization,
            name=values["name"],
            description=values["description"],
            steps=steps,
            incident=incident,
            threat=threat,
            dry_run=values["dry_run"],
            actor=request.user,
        )
        if values["execute"] and workflow.status == "ready":
            workflow = workflow_services.workflow_execute(workflow=workflow, actor=request.user)
        workflow = selectors.workflow_detail(organization=self.organization).get(pk=workflow.pk)
        return Response(WorkflowDetailOutputSerializer(workflow).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Execute a workflow by id (409 while it waits for approval)",
        request=WorkflowExecuteInputSerializer,
        responses={
            202: WorkflowDetailOutputSerializer,
            404: OpenApiResponse(description="NOT_FOUND"),
            409: CONFLICT,
        },
        tags=RESPONSE,
    )
    @action(detail=False, methods=["post"], url_path="execute")
    def execute_workflow(self, request):
        data = WorkflowExecuteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workflow = _workflow_by_reference(self.organization, data.validated_data["workflow_id"])
        workflow_services.workflow_execute(workflow=workflow, actor=request.user)
        workflow = selectors.workflow_detail(organization=self.organization).get(pk=workflow.pk)
        return Response(WorkflowDetailOutputSerializer(workflow).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Execution progress of a workflow", responses=WorkflowStatusOutputSerializer, tags=RESPONSE
    )
    @action(detail=True, methods=["get"], url_path="status")
    def workflow_status(self, request, pk=None):
        workflow = self.get_object()
        steps = list(workflow.steps.all())
        finished = (StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.CANCELLED)
        running = next((s.order for s in steps if s.status in (StepStatus.RUNNING, StepStatus.PENDING)), None)
        body = {
            "id": workflow.pk,
            "human_id": workflow.human_id,
            "status": workflow.status,
            "approval_status": workflow.approval_status,
            "progress": round(sum(1 for s in steps if s.status in finished) / len(steps), 4)
            if steps
            else 1.0,
            "current_step": running if workflow.status == "executing" else None,
            "steps_total": len(steps),
            "steps_done": [s.order for s in steps if s.status == StepStatus.SUCCEEDED],
            "failure_reason": workflow.failure_reason,
            "steps": steps,
        }
        return Response(WorkflowStatusOutputSerializer(body).data)

    @extend_schema(
        summary="Action history of a workflow (every run of every step, retries included)",
        responses=ExecutionOutputSerializer(many=True),
        tags=RESPONSE,
    )
    @action(detail=True, methods=["get"], url_path="actions")
    def workflow_actions(self, request, pk=None):
        workflow = self.get_object()
        page = self.paginate_queryset(selectors.workflow_actions(workflow=workflow))
        return self.get_paginated_response(ExecutionOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Cancel a workflow: it stops before its next step; steps already done stay listed",
        request=CancelInputSerializer,
        responses={200: WorkflowDetailOutputSerializer, 409: CONFLICT},
        tags=RESPONSE,
    )
    @action(detail=True, methods=["post"], url_path="cancel")
    def cancel(self, request, pk=None):
        workflow = self.get_object()
        data = CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workflow_services.workflow_cancel(
            workflow=workflow, actor=request.user, reason=data.validated_data["reason"]
        )
        workflow = selectors.workflow_detail(organization=self.organization).get(pk=workflow.pk)
        return Response(WorkflowDetailOutputSerializer(workflow).data)


PLAYBOOK_ID = OpenApiParameter("playbook_id", str, OpenApiParameter.PATH, description="PB-YYYY-NNNN")


@extend_schema_view(
    list=extend_schema(summary="Playbooks (filter with ?threat_id=THR-...)", tags=PLAYBOOKS),
    retrieve=extend_schema(summary="One playbook with its steps", parameters=[PLAYBOOK_ID], tags=PLAYBOOKS),
)
class PlaybookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = Workflow.objects.all()
    serializer_class = WorkflowOutputSerializer
    filterset_class = PlaybookFilter
    ordering_fields = ["created_at", "status"]
    ordering = ["-created_at"]
    lookup_field = "human_id"
    lookup_url_kwarg = "playbook_id"
    lookup_value_regex = "PB-[0-9]{4}-[0-9]{4,}"

    def scope_queryset(self, queryset):
        if self.action == "list":
            return selectors.workflows_of(organization=self.organization)
        return queryset.select_related("threat", "incident", "approved_by").prefetch_related("steps")

    def get_serializer_class(self):
        return WorkflowDetailOutputSerializer if self.action == "retrieve" else WorkflowOutputSerializer

    def get_permissions(self):
        if self.action == "approve":
            return [IsOrgManager()]
        return super().get_permissions()

    @extend_schema(
        summary="Approve (approved=true) or reject a playbook; records who and when (manager or admin)",
        request=ApproveInputSerializer,
        responses={200: ApproveOutputSerializer, 409: CONFLICT},
        parameters=[PLAYBOOK_ID],
        tags=PLAYBOOKS,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, playbook_id=None):
        workflow = self.get_object()
        data = ApproveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workflow = workflow_services.playbook_approve(
            workflow=workflow,
            approved=data.validated_data["approved"],
            comment=data.validated_data["comment"],
            actor=request.user,
        )
        body = {
            "playbook_id": workflow.human_id,
            "status": workflow.status,
            "approval_status": workflow.approval_status,
            "approvals": workflow.decisions.filter(approved=True).count(),
            "required_approvals": workflow.required_approvals,
            "approved_by": getattr(workflow.approved_by, "email", None),
            "approved_at": workflow.approved_at,
            "comment": workflow.approval_comment,
        }
        return Response(ApproveOutputSerializer(body).data)


class ImpactView(OrganizationScopedMixin, GenericAPIView):
    queryset = ActionExecution.objects.all()
    serializer_class = ImpactOutputSerializer
    permission_classes = [IsOrgEditor]

    @extend_schema(
        summary="Aggregated response metrics over a window",
        parameters=[OpenApiParameter("days", int, description="Window in days (1-365, default 30)")],
        responses=ImpactOutputSerializer,
        tags=RESPONSE,
    )
    def get(self, request):
        try:
            days = min(max(int(request.query_params.get("days", 30)), 1), 365)
        except ValueError:
            raise ApplicationError(ErrorCode.VALIDATION_ERROR, "days must be an integer.") from None
        return Response(
            ImpactOutputSerializer(selectors.response_impact(organization=self.organization, days=days)).data
        )
