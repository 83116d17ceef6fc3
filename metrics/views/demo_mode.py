"""Demo routes: no account, an X-Demo-Session header instead; the `demo` rate group (per IP)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics.serializers.demo import (
    DemoChatStatusOutputSerializer,
    DemoGuidedChatInputSerializer,
    DemoGuidedChatOutputSerializer,
    DemoMetricsOutputSerializer,
    DemoQuotaSerializer,
    DemoSessionInputSerializer,
    DemoSessionOutputSerializer,
    DemoStartInputSerializer,
)
from metrics.services import demo_mode as services

TAGS = ["demo"]
SESSION_HEADER = OpenApiParameter(
    "X-Demo-Session",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The session_id from POST /demo/session.",
)
FRAMEWORK = OpenApiParameter("framework", OpenApiTypes.STR, enum=["csf_2_0", "ai_rmf"])


class DemoView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    rate_group = "demo"

    def demo_session(self, *, require_started: bool = True):
        return services.demo_session_for(
            self.request.headers.get("X-Demo-Session"), require_started=require_started
        )


class DemoSessionCreateView(DemoView):
    @extend_schema(
        summary="Create a demo session for an email",
        request=DemoSessionInputSerializer,
        responses={201: DemoSessionOutputSerializer},
        tags=TAGS,
        auth=[],
    )
    def post(self, request):
        data = DemoSessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session, token = services.demo_session_create(email=data.validated_data["email"])
        return Response(services.demo_session_view(session, token=token), status=status.HTTP_201_CREATED)


class DemoSessionStartView(DemoView):
    @extend_schema(
        summary="Start the 24-hour demo window",
        request=DemoStartInputSerializer,
        responses=DemoSessionOutputSerializer,
        tags=TAGS,
        auth=[],
    )
    def post(self, request, session_id: str):
        data = DemoStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.demo_session_start(token=session_id, **data.validated_data)
        return Response(services.demo_session_view(session, token=session_id))


class DemoMetricsView(DemoView):
    @extend_schema(
        summary="Sample metrics, one per category, plus yours",
        parameters=[SESSION_HEADER, FRAMEWORK],
        responses=DemoMetricsOutputSerializer,
        tags=TAGS,
        auth=[],
    )
    def get(self, request):
        session = self.demo_session()
        framework = services.demo_framework(request.query_params.get("framework") or "csf_2_0")
        return Response(services.demo_metrics(session=session, framework=framework))


class DemoChatStatusView(DemoView):
    @extend_schema(
        summary="Chat starters, refinements and quota",
        parameters=[SESSION_HEADER, FRAMEWORK],
        responses=DemoChatStatusOutputSerializer,
        tags=TAGS,
        auth=[],
    )
    def get(self, request):
        session = self.demo_session()
        framework = services.demo_framework(request.query_params.get("framework"), required=False)
        return Response(services.demo_chat_status(session=session, framework=framework))


class DemoGuidedChatView(DemoView):
    @extend_schema(
        summary="Create a metric from a predefined starter (and refinement); no free text",
        parameters=[SESSION_HEADER],
        request=DemoGuidedChatInputSerializer,
        responses=DemoGuidedChatOutputSerializer,
        tags=TAGS,
        auth=[],
    )
    def post(self, request):
        session = self.demo_session()
        data = DemoGuidedChatInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        return Response(
            services.demo_guided_chat(
                session=session,
                starter_id=values["starter_id"],
                framework=services.demo_framework(values["framework"]),
                refinement_id=values.get("refinement_id") or None,
            )
        )


class DemoQuotaView(DemoView):
    @extend_schema(
        summary="AI-created metric quota (2 per framework)",
        parameters=[SESSION_HEADER],
        responses=DemoQuotaSerializer,
        tags=TAGS,
        auth=[],
    )
    def get(self, request):
        return Response(services.demo_quota(self.demo_session()))
