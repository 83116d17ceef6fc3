from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics.serializers.assistant import (
    ChatInputSerializer,
    ChatOutputSerializer,
    EnhanceInputSerializer,
    EnhanceOutputSerializer,
)
from metrics.services.assistant import assistant_chat, assistant_enhance
from organizations.permissions import IsOrgEditor

TAGS = ["ai"]


class ChatView(APIView):
    """The assistant answers with the user's active provider, or the offline local one."""

    permission_classes = [IsOrgEditor]
    rate_group = "ai"

    @extend_schema(
        summary="Ask the assistant (modes metrics, explain, report, recommendations, enhance)",
        request=ChatInputSerializer,
        responses=ChatOutputSerializer,
        tags=TAGS,
    )
    def post(self, request):
        data = ChatInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            assistant_chat(organization=request.organization, user=request.user, **data.validated_data)
        )


class EnhanceView(APIView):
    permission_classes = [IsOrgEditor]
    rate_group = "ai"

    @extend_schema(
        summary="Suggest improvements to metric definitions",
        request=EnhanceInputSerializer,
        responses=EnhanceOutputSerializer,
        tags=TAGS,
    )
    def post(self, request):
        data = EnhanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            assistant_enhance(
                organization=request.organization,
                user=request.user,
                catalog_items=data.validated_data["catalog_items"],
                enhancement_types=data.validated_data.get("enhancement_types"),
            )
        )
