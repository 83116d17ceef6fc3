"""The real URLs plus a stand-in for the scans app's endpoint (not built yet), which consumes a
scan exactly as the scans service will: through billing's quota_consume."""

from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.services import quota_consume
from organizations.permissions import IsOrgEditor


class StartScanView(APIView):
    permission_classes = [IsOrgEditor]

    def post(self, request):
        quota_consume(request.organization, "scans")
        return Response({"status": "queued"}, status=202)


urlpatterns = [
    path("api/v1/test/scans", StartScanView.as_view()),
    path("", include("config.urls")),
]
