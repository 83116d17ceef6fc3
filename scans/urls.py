"""Routes under /api/v1/: seed E's projects, scans and alerts."""

from django.urls import path

from scans.views import AlertViewSet, ProjectViewSet, ScanViewSet

urlpatterns = [
    path("projects", ProjectViewSet.as_view({"get": "list", "post": "create"}), name="scans-projects"),
    path(
        "projects/<uuid:project_id>",
        ProjectViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"}),
        name="scans-project",
    ),
    path("scans/code", ScanViewSet.as_view({"post": "code"}), name="scans-code"),
    path("scans/prompt", ScanViewSet.as_view({"post": "prompt"}), name="scans-prompt"),
    path("scans/pii", ScanViewSet.as_view({"post": "pii"}), name="scans-pii"),
    path("scans", ScanViewSet.as_view({"get": "list"}), name="scans-list"),
    path("scans/<uuid:scan_id>", ScanViewSet.as_view({"get": "retrieve"}), name="scans-detail"),
    path("alerts", AlertViewSet.as_view({"get": "list"}), name="scans-alerts"),
    path(
        "alerts/<uuid:alert_id>",
        AlertViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="scans-alert",
    ),
]
