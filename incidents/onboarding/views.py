"""Onboarding and agent enrollment (seed B onboarding/*, agents/enroll, agents/heartbeat)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.authentication import OrganizationJWTAuthentication
from config.api.errors import ApplicationError, ErrorCode
from incidents.ingest.auth import DeviceHmacAuthentication
from incidents.onboarding import selectors, services
from incidents.onboarding.models import EnrolledAgent, EnrollmentToken
from incidents.onboarding.serializers import (
    EnrolledAgentOutputSerializer,
    EnrollInputSerializer,
    EnrollOutputSerializer,
    HeartbeatInputSerializer,
    HeartbeatOutputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
    VerificationOutputSerializer,
    VerifyAllOutputSerializer,
)
from incidents.permissions import IsSensor, request_sensor
from organizations.authentication import ApiKeyAuthentication
from organizations.permissions import IsOrgAdmin, IsOrgAdminOrReadOnly
from organizations.viewsets import OrganizationScopedMixin

ONBOARDING = ["onboarding"]
AGENTS = ["agents"]


class GenerateAgentTokenView(OrganizationScopedMixin, GenericAPIView):
    queryset = EnrollmentToken.objects.all()
    serializer_class = TokenOutputSerializer
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        summary="A single-use, expiring enrollment token for one agent (admin)",
        request=TokenInputSerializer,
        responses={201: TokenOutputSerializer},
        tags=ONBOARDING,
    )
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, raw = services.enrollment_token_create(
            organization=self.organization, actor=request.user, request=request, **data.validated_data
        )
        server = request.build_absolute_uri("/").rstrip("/")
        body = {
            "token": raw,
            "token_id": token.pk,
            "expires_at": token.expires_at,
            "enroll_url": f"{server}/api/v1/agents/enroll",
            "command": f"python manage.py palisade_agent --server {server} --token {raw} --log-file /var/log/auth.log",
        }
        return Response(TokenOutputSerializer(body).data, status=status.HTTP_201_CREATED)


class EnrolledAgentsView(OrganizationScopedMixin, GenericAPIView):
    queryset = EnrolledAgent.objects.all()
    serializer_class = EnrolledAgentOutputSerializer
    permission_classes = [IsOrgAdminOrReadOnly]

    @extend_schema(
        summary="Enrolled agents", responses=EnrolledAgentOutputSerializer(many=True), tags=ONBOARDING
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.agents_of(organization=self.organization))
        for agent in page:
            agent.online = services.agent_is_online(agent)
        return self.get_paginated_response(EnrolledAgentOutputSerializer(page, many=True).data)


class VerifyAgentView(OrganizationScopedMixin, GenericAPIView):
    queryset = EnrolledAgent.objects.all()
    serializer_class = VerificationOutputSerializer
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        summary="Verify an agent's access: a heartbeat within AGENT_ONLINE_SECONDS",
        request=None,
        responses={200: VerificationOutputSerializer, 404: OpenApiResponse(description="NOT_FOUND")},
        parameters=[OpenApiParameter("enrollment_id", str, OpenApiParameter.PATH, description="Agent id")],
        tags=ONBOARDING,
    )
    def post(self, request, enrollment_id):
        agent = selectors.agent_get(organization=self.organization, agent_id=enrollment_id)
        if agent is None:
            raise ApplicationError(ErrorCode.NOT_FOUND, "No such enrolled agent.")
        return Response(VerificationOutputSerializer(services.agent_verify(agent=agent)).data)


class VerifyAllAgentsView(OrganizationScopedMixin, GenericAPIView):
    queryset = EnrolledAgent.objects.all()
    serializer_class = VerifyAllOutputSerializer
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        summary="Verify every enrolled agent",
        request=None,
        responses=VerifyAllOutputSerializer,
        tags=ONBOARDING,
    )
    def post(self, request):
        results = [
            services.agent_verify(agent=a) for a in selectors.agents_of(organization=self.organization)
        ]
        body = {
            "total": len(results),
            "verified": sum(1 for r in results if r["verified"]),
            "agents": results,
        }
        return Response(VerifyAllOutputSerializer(body).data)


class EnrollView(GenericAPIView):
    """Unauthenticated by design: the single-use token is the credential."""

    serializer_class = EnrollOutputSerializer
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="An agent trades its enrollment token for a device id and HMAC secret (shown once)",
        request=EnrollInputSerializer,
        responses={201: EnrollOutputSerializer, 401: OpenApiResponse(description="UNAUTHORIZED: bad token")},
        auth=[],
        tags=AGENTS,
    )
    def post(self, request):
        data = EnrollInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = services.agent_enroll(**data.validated_data)
        agent = enrollment.agent
        body = {
            "agent_id": agent.pk,
            "device_id": agent.sensor_id,
            "secret": enrollment.secret,
            "organization_id": agent.organization_id,
            "hmac": "HMAC-SHA256 over METHOD\\nPATH\\nTS\\nNONCE\\n + body; headers X-Device-ID, X-TS, X-Nonce, X-Signature",
        }
        return Response(EnrollOutputSerializer(body).data, status=status.HTTP_201_CREATED)


class HeartbeatView(OrganizationScopedMixin, GenericAPIView):
    queryset = EnrolledAgent.objects.all()
    serializer_class = HeartbeatOutputSerializer
    # People authenticate too, only to be refused clearly (403) by IsSensor.
    authentication_classes = [DeviceHmacAuthentication, OrganizationJWTAuthentication, ApiKeyAuthentication]
    permission_classes = [IsSensor]
    rate_group = None

    @extend_schema(
        summary="An agent's heartbeat (device HMAC)",
        request=HeartbeatInputSerializer,
        responses=HeartbeatOutputSerializer,
        tags=AGENTS,
    )
    def post(self, request):
        agent = selectors.agent_for_sensor(request_sensor(request))
        if agent is None:
            raise ApplicationError(ErrorCode.FORBIDDEN, "This sensor is not an enrolled, active agent.")
        data = HeartbeatInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agent = services.agent_heartbeat(agent=agent, **data.validated_data)
        body = {
            "agent_id": agent.pk,
            "server_time": timezone.now(),
            "commands_pending": selectors.commands_pending(agent=agent),
        }
        return Response(HeartbeatOutputSerializer(body).data)
