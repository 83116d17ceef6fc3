from django.contrib import admin

from organizations.admin import TenantAdmin
from scans.models import Alert, Finding, Project, PromptAllowEntry, Scan, TriageRule


@admin.register(Project)
class ProjectAdmin(TenantAdmin):
    """The repository token is never shown (not even encrypted)."""

    list_display = ["name", "organization", "repo_type", "scan_count", "last_risk_score", "last_scan"]
    list_filter = ["repo_type", "is_public"]
    search_fields = ["name", "repo_url", "organization__name"]
    exclude = ["access_token_encrypted"]
    readonly_fields = ["scan_count", "last_scan", "last_risk_score", "created_at", "updated_at"]


@admin.register(Scan)
class ScanAdmin(TenantAdmin):
    list_display = [
        "id",
        "organization",
        "project",
        "scan_type",
        "source",
        "status",
        "ai_risk_score",
        "created_at",
    ]
    list_filter = ["scan_type", "status", "source"]
    search_fields = ["id", "project__name", "organization__name"]
    exclude = ["payload_encrypted"]
    readonly_fields = [
        "organization",
        "project",
        "scan_type",
        "source",
        "status",
        "failure_reason",
        "options",
        "scope_key",
        "input_sha256",
        "ai_risk_score",
        "risk_level",
        "findings_summary",
        "findings_count",
        "results",
        "details",
        "execution_time_seconds",
        "started_at",
        "completed_at",
        "attempts",
    ]


@admin.register(Finding)
class FindingAdmin(TenantAdmin):
    list_display = [
        "finding_type",
        "severity",
        "status",
        "file_path",
        "line_number",
        "organization",
        "project",
    ]
    list_filter = ["status", "severity", "scan_type", "finding_type"]
    search_fields = ["file_path", "rule_id", "organization__name"]
    readonly_fields = [
        "organization",
        "project",
        "scope_key",
        "fingerprint",
        "scan_type",
        "rule_id",
        "finding_type",
        "severity",
        "file_path",
        "line_number",
        "redacted_preview",
        "value_hash",
        "first_seen_scan",
        "last_seen_scan",
        "fixed_at",
        # Triage goes through the API (audited, applied to the stored scans), not through this page.
        "status",
        "triage_rule",
        "triage_reason",
        "triage_expires_at",
        "triaged_by",
        "triaged_at",
    ]


@admin.register(Alert)
class AlertAdmin(TenantAdmin):
    list_display = [
        "title",
        "severity",
        "alert_type",
        "organization",
        "is_read",
        "is_resolved",
        "triggered_at",
    ]
    list_filter = ["severity", "alert_type", "is_read", "is_resolved"]
    search_fields = ["title", "organization__name"]
    readonly_fields = ["organization", "project", "scan", "finding", "alert_type", "severity", "triggered_at"]


@admin.register(TriageRule)
class TriageRuleAdmin(TenantAdmin):
    """Read-only here: creating, changing or deleting a rule re-triages findings through the API."""

    list_display = ["name", "resolution", "rule_id", "file_pattern", "project", "organization", "expires_at"]
    list_filter = ["resolution"]
    search_fields = ["name", "rule_id", "file_pattern", "organization__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PromptAllowEntry)
class PromptAllowEntryAdmin(TenantAdmin):
    list_display = ["value", "match_type", "is_active", "organization", "created_at"]
    list_filter = ["match_type", "is_active"]
    search_fields = ["value", "organization__name"]
    readonly_fields = ["organization", "created_by", "created_at", "updated_at"]
