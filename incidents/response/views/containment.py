"""Incident containment (seed B incidents/{id}/...) and AI plans turned into workflows."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from config.api.errors import ApplicationError, ErrorCode
from incidents.response import selectors
from incidents.response.models import (
    ActionExecution,
    ContainmentKind,
)
from incidents.response.serializers import (
    BlockIpInputSerializer,
    BlockStatusOutputSerializer,
    ContainInputSerializer,
    ContainmentResultOutputSerializer,
    IsolateHostInputSerializer,
    ResetPasswordsInputSerializer,
    ScheduleOutputSerializer,
    ScheduleUnblockInputSerializer,
    WorkflowDetailOutputSerializer,
)
from incidents.response.services import containment as containment_services
from incidents.response.services import workflows as workflow_services
from incidents.response.services.automation import incident_block
from incidents.response.services.executions import action_execute
from incidents.response.views.common import (
    CONFLICT,
    CONTAINMENT,
    INCIDENT_ID,
    INVALID,
    RESPONSE,
    incident_or_404,
)
from organizations.permissions import IsOrgEditor
from organizations.viewsets import OrganizationScopedMixin


class IncidentActionView(OrganizationScopedMixin, GenericAPIView):
    queryset = ActionExecution.objects.all()
    serializer_class: type[serializers.Serializer] = ContainmentResultOutputSerializer
    permission_classes = [IsOrgEditor]

    def respond(self, incident, execution) -> Response:
        containment = execution.containments.first()
        body = {"incident_id": incident.human_id, "execution": execution, "containment": containment}
        return Response(ContainmentResultOutputSerializer(body).data, status=status.HTTP_202_ACCEPTED)


def _containment_schema(summary: str, request_serializer):
    return extend_schema(
        summary=summary,
        request=request_serializer,
        responses={202: ContainmentResultOutputSerializer, 400: INVALID, 409: CONFLICT},
        parameters=[INCIDENT_ID],
        tags=CONTAINMENT,
    )


class ContainView(IncidentActionView):
    @_containment_schema(
        "Contain an incident: block its source IP (optional duration, then undone)", ContainInputSerializer
    )
    def post(self, request, id):
        incident = incident_or_404(self.organization, id)
        data = ContainInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        execution = incident_block(incident=incident, actor=request.user, **data.validated_data)
        return self.respond(incident, execution)


class BlockIpView(IncidentActionView):
    @_containment_schema("Block an IP for an incident (defaults to its source)", BlockIpInputSerializer)
    def post(self, request, id):
        incident = incident_or_404(self.organization, id)
        data = BlockIpInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        execution = incident_block(incident=incident, actor=request.user, **data.validated_data)
        return self.respond(incident, execution)


class IsolateHostView(IncidentActionView):
    @_containment_schema("Isolate a host through its enrolled agent", IsolateHostInputSerializer)
    def post(self, request, id):
        incident = incident_or_404(self.organization, id)
        data = IsolateHostInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        dry_run = values.pop("dry_run")
        execution = action_execute(
            organization=self.organization,
            action="isolate_host",
            params=values,
            incident=incident,
            actor=request.user,
            dry_run=dry_run,
        )
        return self.respond(incident, execution)


class ResetPasswordsView(IncidentActionView):
    @_containment_schema("Force a password reset of accounts", ResetPasswordsInputSerializer)
    def post(self, request, id):
        incident = incident_or_404(self.organization, id)
        data = ResetPasswordsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        dry_run = values.pop("dry_run")
        execution = action_execute(
            organization=self.organization,
            action="reset_passwords",
            params=values,
            incident=incident,
            actor=request.user,
            dry_run=dry_run,
        )
        return self.respond(incident, execution)


class ScheduleUnblockView(IncidentActionView):
    serializer_class = ScheduleOutputSerializer

    @extend_schema(
        summary="Schedule the unblock of the incident's blocked IP (a Celery task with an ETA, kept as a row)",
        request=ScheduleUnblockInputSerializer,
        responses={201: ScheduleOutputSerializer, 400: INVALID, 409: CONFLICT},
        parameters=[INCIDENT_ID],
        tags=CONTAINMENT,
    )
    def post(self, request, id):
        incident = incident_or_404(self.organization, id)
        data = ScheduleUnblockInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        run_at = values.get("at") or timezone.now() + timezone.timedelta(minutes=values["minutes"])
        if run_at <= timezone.now():
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR, "at must be in the future.", {"at": str(run_at)}
            )
        current = containment_services.incident_containment_status(
            incident=incident, kind=ContainmentKind.IP_BLOCK, target=values.get("ip")
        )["current"]
        if current is None:
            raise ApplicationError(ErrorCode.CONFLICT, "The incident has no blocked IP to unblock.")
        schedule = containment_services.release_schedule(
            containment=current, run_at=run_at, actor=request.user
        )
        body = {
            "schedule_id": schedule.pk,
            "containment_id": current.pk,
            "target": current.target,
            "run_at": schedule.run_at,
            "status": schedule.status,
        }
        return Response(ScheduleOutputSerializer(body).data, status=status.HTTP_201_CREATED)


class _StatusView(IncidentActionView):
    serializer_class = BlockStatusOutputSerializer
    kind = ContainmentKind.IP_BLOCK

    def get(self, request, id):
        incident = incident_or_404(self.organization, id)
        found = containment_services.incident_containment_status(incident=incident, kind=self.kind)
        current = found["current"]
        agent = current.execution.agent if current is not None else None
        body = {
            "incident_id": incident.human_id,
            "target": current.target
            if current
            else (incident.source_ip if self.kind == "ip_block" else None),
            "blocked": bool(current and current.status == "active"),
            "status": current.status if current else None,
            "dry_run": bool(current and current.dry_run),
            "agent_hostname": agent.hostname if agent else None,
            "activated_at": current.activated_at if current else None,
            "expires_at": current.expires_at if current else None,
            "release_scheduled_at": found["release_scheduled_at"],
            "history": found["history"],
        }
        return Response(BlockStatusOutputSerializer(body).data)


class BlockStatusView(_StatusView):
    kind = ContainmentKind.IP_BLOCK

    @extend_schema(
        summary="Whether the incident's IP is blocked, until when, and the block history",
        responses=BlockStatusOutputSerializer,
        parameters=[INCIDENT_ID],
        tags=CONTAINMENT,
    )
    def get(self, request, id):
        return super().get(request, id)


class IsolationStatusView(_StatusView):
    kind = ContainmentKind.HOST_ISOLATION

    @extend_schema(
        summary="Whether a host of the incident is isolated (`blocked` means isolated here)",
        responses=BlockStatusOutputSerializer,
        parameters=[INCIDENT_ID],
        tags=CONTAINMENT,
    )
    def get(self, request, id):
        return super().get(request, id)


class AiRecommendationInputSerializer(serializers.Serializer):
    index = serializers.IntegerField(min_value=0, max_value=100, default=0, help_text="Which recommendation")
    dry_run = serializers.BooleanField(default=False)


class AiPlanInputSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(default=False)


class AiRecommendationView(IncidentActionView):
    serializer_class = WorkflowDetailOutputSerializer

    @extend_schema(
        summary="Turn one AI recommendation of the incident into a workflow (approval gate applies)",
        request=AiRecommendationInputSerializer,
        responses={201: WorkflowDetailOutputSerializer, 400: INVALID, 409: CONFLICT},
        parameters=[INCIDENT_ID],
        tags=RESPONSE,
    )
    def post(self, request, id):
        incident = incident_or_404(self.organization, id)
        data = AiRecommendationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workflow = workflow_services.workflow_from_ai_analysis(
            incident=incident, actor=request.user, **data.validated_data
        )
        workflow = selectors.workflow_detail(organization=self.organization).get(pk=workflow.pk)
        return Response(WorkflowDetailOutputSerializer(workflow).data, status=status.HTTP_201_CREATED)


class AiPlanView(IncidentActionView):
    serializer_class = WorkflowDetailOutputSerializer

    @extend_schema(
        summary="Turn the incident's whole AI plan into a workflow (approval gate applies)",
        request=AiPlanInputSerializer,
        responses={201: WorkflowDetailOutputSerializer, 400: INVALID, 409: CONFLICT},
        parameters=[INCIDENT_ID],
        tags=RESPONSE,
    )
    def post(self, request, id):
        incident = incident_or_404(self.organization, id)
        data = AiPlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workflow = workflow_services.workflow_from_ai_analysis(
            incident=incident, actor=request.user, index=None, dry_run=data.validated_data["dry_run"]
        )
        workflow = selectors.workflow_detail(organization=self.organization).get(pk=workflow.pk)
        return Response(WorkflowDetailOutputSerializer(workflow).data, status=status.HTTP_201_CREATED)
