"""Routes under /api/v1/: seed E's projects, scans and alerts; findings' triage; the prompt allow-list."""

from django.urls import path

from scans.triage_views import FindingViewSet, PromptAllowEntryViewSet, TriageRuleViewSet
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
    path("findings", FindingViewSet.as_view({"get": "list"}), name="scans-findings"),
    path("findings/<uuid:finding_id>", FindingViewSet.as_view({"get": "retrieve"}), name="scans-finding"),
    path(
        "findings/<uuid:finding_id>/triage",
        FindingViewSet.as_view({"post": "triage"}),
        name="scans-finding-triage",
    ),
    path(
        "triage-rules",
        TriageRuleViewSet.as_view({"get": "list", "post": "create"}),
        name="scans-triage-rules",
    ),
    path("triage-rules/preview", TriageRuleViewSet.as_view({"post": "preview"}), name="scans-triage-preview"),
    path(
        "triage-rules/<uuid:triage_rule_id>",
        TriageRuleViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "update", "delete": "destroy"}
        ),
        name="scans-triage-rule",
    ),
    path(
        "prompt-allow-list",
        PromptAllowEntryViewSet.as_view({"get": "list", "post": "create"}),
        name="scans-prompt-allow-list",
    ),
    path(
        "prompt-allow-list/<uuid:entry_id>",
        PromptAllowEntryViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "update", "delete": "destroy"}
        ),
        name="scans-prompt-allow-entry",
    ),
]
