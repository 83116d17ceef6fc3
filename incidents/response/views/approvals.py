"""One-time signed approval links (email, webhook): GET describes, POST decides as the named approver.

The link itself is the credential (signed, single use, expiring), so the endpoint takes no other
authentication. A browser (Accept: text/html) gets a confirmation page whose button POSTs; other
clients get JSON in the envelope.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.errors import ApplicationError
from incidents.response.serializers import (
    ApprovalLinkInputSerializer,
    ApprovalLinkOutputSerializer,
    ApproveOutputSerializer,
)
from incidents.response.services.approvals import link_describe, link_use
from incidents.response.views.common import CONFLICT, PLAYBOOKS

TOKEN = OpenApiParameter("token", str, OpenApiParameter.PATH, description="The signed link token")


def _wants_html(request) -> bool:
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "application/json" not in accept


class ApprovalLinkView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]  # the confirmation page's form posts form data

    def perform_content_negotiation(self, request, force=False):
        # A browser's Accept: text/html gets the page (a plain HttpResponse), not a 406.
        return super().perform_content_negotiation(request, force=True)

    rate_group = "auth"

    @extend_schema(
        summary="What this approval link would do (no state changes); a confirmation page for browsers",
        responses={
            200: ApprovalLinkOutputSerializer,
            404: OpenApiResponse(description="NOT_FOUND: not a valid link"),
        },
        parameters=[TOKEN],
        auth=[],
        tags=PLAYBOOKS,
    )
    def get(self, request, token):
        try:
            body = link_describe(token=token)
        except ApplicationError as failure:
            if not _wants_html(request):
                raise
            return HttpResponse(
                render_to_string("response/approval_link.html", {"refusal": failure.message}),
                status=failure.status_code,
            )
        if _wants_html(request):
            return HttpResponse(
                render_to_string("response/approval_link.html", {"link": body, "token": token})
            )
        return Response(ApprovalLinkOutputSerializer(body).data)

    @extend_schema(
        summary="Approve or reject (as the link says) as the approver it names; works once",
        request=ApprovalLinkInputSerializer,
        responses={
            200: ApproveOutputSerializer,
            403: OpenApiResponse(description="FORBIDDEN: the approver lost the role"),
            404: OpenApiResponse(description="NOT_FOUND: not a valid link"),
            409: CONFLICT,
        },
        parameters=[TOKEN],
        auth=[],
        tags=PLAYBOOKS,
    )
    def post(self, request, token):
        data = ApprovalLinkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            workflow = link_use(token=token, comment=data.validated_data["comment"])
        except ApplicationError as failure:
            if not _wants_html(request):
                raise
            return HttpResponse(
                render_to_string("response/approval_link.html", {"refusal": failure.message}),
                status=failure.status_code,
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
        if _wants_html(request):
            return HttpResponse(render_to_string("response/approval_link.html", {"done": body}))
        return Response(ApproveOutputSerializer(body).data)
