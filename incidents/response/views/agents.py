"""The agent command queue: agents pull their commands and report results (device HMAC)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.authentication import OrganizationJWTAuthentication
from config.api.errors import ApplicationError, ErrorCode
from incidents.ingest.auth import DeviceHmacAuthentication
from incidents.onboarding.selectors import agent_for_sensor
from incidents.permissions import IsSensor, request_sensor
from incidents.response.models import (
    ActionExecution,
)
from incidents.response.serializers import (
    AgentCommandsOutputSerializer,
    CommandResultInputSerializer,
    ExecutionOutputSerializer,
)
from incidents.response.services.executions import agent_command_report, agent_commands_pull
from incidents.response.views.common import (
    AGENTS,
    CONFLICT,
)
from organizations.authentication import ApiKeyAuthentication
from organizations.permissions import IsOrgMember
from organizations.viewsets import OrganizationScopedMixin

# People and API keys authenticate too, only to be told clearly that these are the agents' endpoints.
AGENT_AUTHENTICATION = [DeviceHmacAuthentication, OrganizationJWTAuthentication, ApiKeyAuthentication]


class IsSensorOrMember(IsOrgMember):
    """Sensors pass; members pass here so the view can answer 404 or 403 for a command id."""

    def has_permission(self, request, view) -> bool:
        return request_sensor(request) is not None or super().has_permission(request, view)


def _agent(request):
    agent = agent_for_sensor(request_sensor(request))
    if agent is None:
        raise ApplicationError(ErrorCode.FORBIDDEN, "This sensor is not an enrolled, active agent.")
    return agent


class AgentCommandsView(OrganizationScopedMixin, GenericAPIView):
    queryset = ActionExecution.objects.all()
    serializer_class = AgentCommandsOutputSerializer
    authentication_classes = AGENT_AUTHENTICATION
    permission_classes = [IsSensor]
    rate_group = None

    @extend_schema(
        summary="An agent pulls its queued commands (device HMAC); each is returned once, marked sent",
        responses=AgentCommandsOutputSerializer,
        tags=AGENTS,
    )
    def get(self, request):
        commands = agent_commands_pull(agent=_agent(request))
        return Response(AgentCommandsOutputSerializer({"commands": commands}).data)


class AgentCommandResultView(OrganizationScopedMixin, GenericAPIView):
    queryset = ActionExecution.objects.all()
    serializer_class = ExecutionOutputSerializer
    authentication_classes = AGENT_AUTHENTICATION
    permission_classes = [IsSensorOrMember]
    rate_group = None

    @extend_schema(
        summary="An agent reports a command's result (device HMAC)",
        request=CommandResultInputSerializer,
        responses={
            200: ExecutionOutputSerializer,
            404: OpenApiResponse(description="NOT_FOUND"),
            409: CONFLICT,
        },
        parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH, description="Command id")],
        tags=AGENTS,
    )
    def post(self, request, id):
        if request_sensor(request) is None:
            # A person: another organization's command is a 404; the own organization's a 403.
            if not ActionExecution.objects.for_organization(self.organization).filter(pk=id).exists():
                raise ApplicationError(ErrorCode.NOT_FOUND, "No such command.")
            raise ApplicationError(
                ErrorCode.FORBIDDEN, "Only the agent the command was sent to reports its result."
            )
        data = CommandResultInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        execution = agent_command_report(
            agent=_agent(request),
            execution_id=id,
            success=data.validated_data["success"],
            output=data.validated_data["output"],
            details={"simulated": data.validated_data["simulated"]},
        )
        return Response(ExecutionOutputSerializer(execution).data)
