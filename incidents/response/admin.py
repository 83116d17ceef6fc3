from django.contrib import admin

from incidents.response.models import (
    ActionExecution,
    ApprovalDecision,
    ApprovalLink,
    Containment,
    PipelineRun,
    PipelineStageConfig,
    ReleaseSchedule,
    ResponseSettings,
    RotationRequest,
    SecretExposure,
    Ticket,
    Trigger,
    TriggerFiring,
    Workflow,
    WorkflowStep,
)
from organizations.admin import TenantAdmin


@admin.register(ActionExecution)
class ActionExecutionAdmin(TenantAdmin):
    list_display = ("action", "organization", "status", "agent", "dry_run", "created_at", "completed_at")
    list_filter = ("status", "category", "executor", "dry_run")
    list_select_related = ["organization", "agent"]
    search_fields = ("action", "idempotency_key")
    raw_id_fields = ("agent", "incident", "step", "requested_by")


@admin.register(Containment)
class ContainmentAdmin(TenantAdmin):
    list_display = ("kind", "target", "organization", "status", "expires_at", "released_at")
    list_filter = ("kind", "status")
    search_fields = ("target",)
    raw_id_fields = ("incident", "execution", "release_execution")


@admin.register(ReleaseSchedule)
class ReleaseScheduleAdmin(TenantAdmin):
    list_display = ("containment", "organization", "run_at", "status", "executed_at", "outcome")
    list_filter = ("status",)
    raw_id_fields = ("containment", "created_by")


class WorkflowStepInline(admin.TabularInline):
    model = WorkflowStep
    extra = 0
    fields = (
        "order",
        "action",
        "params",
        "on_failure",
        "max_retries",
        "status",
        "attempts",
        "result",
        "error",
    )
    readonly_fields = ("status", "attempts", "result", "error")

    def get_queryset(self, request):
        return WorkflowStep.objects.unscoped()


@admin.register(WorkflowStep)
class WorkflowStepAdmin(TenantAdmin):
    """Steps on their own, to find every failed or running step across workflows; edited in the workflow."""

    list_display = ("workflow", "order", "action", "organization", "status", "attempts", "finished_at")
    list_filter = ("status", "action")
    list_select_related = ["organization", "workflow"]
    raw_id_fields = ("workflow",)
    readonly_fields = ("status", "attempts", "result", "error")

    def has_add_permission(self, request):
        return False


@admin.register(Workflow)
class WorkflowAdmin(TenantAdmin):
    list_display = ("human_id", "name", "organization", "origin", "status", "approval_status", "created_at")
    list_filter = ("status", "approval_status", "origin")
    search_fields = ("human_id", "name")
    raw_id_fields = ("threat", "incident", "approved_by", "created_by")
    inlines = [WorkflowStepInline]


@admin.register(Trigger)
class TriggerAdmin(TenantAdmin):
    list_display = ("name", "organization", "status", "auto_execute", "fire_count", "last_fired_at")
    list_filter = ("status", "auto_execute")
    search_fields = ("name",)
    raw_id_fields = ("created_by",)


@admin.register(TriggerFiring)
class TriggerFiringAdmin(TenantAdmin):
    list_display = ("trigger", "organization", "outcome", "incident", "created_at")
    list_filter = ("outcome",)
    raw_id_fields = ("trigger", "incident", "workflow")


@admin.register(Ticket)
class TicketAdmin(TenantAdmin):
    list_display = ("title", "organization", "priority", "status", "created_at")
    list_filter = ("priority", "status")
    raw_id_fields = ("incident", "execution")


@admin.register(ApprovalDecision)
class ApprovalDecisionAdmin(TenantAdmin):
    list_display = ("workflow", "organization", "approver_email", "approved", "via", "created_at")
    list_filter = ("approved", "via")
    raw_id_fields = ("workflow", "approver")


@admin.register(ApprovalLink)
class ApprovalLinkAdmin(TenantAdmin):
    list_display = ("workflow", "organization", "approver", "decision", "expires_at", "used_at")
    list_filter = ("decision",)
    raw_id_fields = ("workflow", "approver")


@admin.register(PipelineStageConfig)
class PipelineStageConfigAdmin(TenantAdmin):
    list_display = ("stage", "organization", "enabled", "threshold", "timeout", "retry_attempts")
    list_filter = ("stage", "enabled")
    raw_id_fields = ("updated_by",)


@admin.register(PipelineRun)
class PipelineRunAdmin(TenantAdmin):
    list_display = ("stage", "organization", "status", "subject", "duration_ms", "created_at")
    list_filter = ("stage", "status")


@admin.register(SecretExposure)
class SecretExposureAdmin(TenantAdmin):
    list_display = ("rule_id", "organization", "severity", "finding_id", "incident", "created_at")
    list_filter = ("severity",)
    search_fields = ("rule_id", "finding_id", "file_path")
    raw_id_fields = ("incident", "threat", "workflow")


@admin.register(RotationRequest)
class RotationRequestAdmin(TenantAdmin):
    list_display = ("credential", "organization", "status", "location", "created_at")
    search_fields = ("credential", "finding_id", "location")
    raw_id_fields = ("execution", "ticket")


@admin.register(ResponseSettings)
class ResponseSettingsAdmin(TenantAdmin):
    list_display = ("organization", "blast_radius_max_hosts")
