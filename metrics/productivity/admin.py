from django.contrib import admin

from metrics.productivity.models import (
    AgentExecution,
    AlertRule,
    Dashboard,
    MetricBatch,
    ProductivityAlert,
    ProductivityMetric,
    ReportExport,
)
from organizations.admin import TenantAdmin


@admin.register(MetricBatch)
class MetricBatchAdmin(TenantAdmin):
    list_display = (
        "id",
        "organization",
        "source",
        "accepted",
        "rejected",
        "duplicates",
        "created_at",
        "processed_at",
    )
    list_filter = ("source",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(ProductivityMetric)
class ProductivityMetricAdmin(TenantAdmin):
    list_display = ("metric_type", "value", "timestamp", "organization", "user", "team")
    list_filter = ("metric_type",)
    list_select_related = ["organization", "user", "team"]
    search_fields = ("metric_type", "client_id")
    raw_id_fields = ("user", "team", "batch")
    date_hierarchy = "timestamp"


@admin.register(AgentExecution)
class AgentExecutionAdmin(TenantAdmin):
    list_display = (
        "agent_name",
        "success",
        "execution_time_ms",
        "timestamp",
        "organization",
        "user_identifier",
    )
    list_filter = ("success", "agent_name")
    search_fields = ("agent_name", "command", "user_identifier", "session_id")
    raw_id_fields = ("user", "team", "batch")
    date_hierarchy = "timestamp"


@admin.register(Dashboard)
class DashboardAdmin(TenantAdmin):
    list_display = ("name", "scope", "organization", "owner", "team", "is_default")
    list_filter = ("scope", "is_default")
    search_fields = ("name",)
    raw_id_fields = ("owner", "team")


@admin.register(AlertRule)
class AlertRuleAdmin(TenantAdmin):
    list_display = ("name", "metric_type", "condition", "severity", "is_active", "organization")
    list_filter = ("condition", "severity", "is_active")
    search_fields = ("name", "metric_type")
    raw_id_fields = ("team", "user", "created_by")


@admin.register(ProductivityAlert)
class ProductivityAlertAdmin(TenantAdmin):
    list_display = ("rule_name", "severity", "metric_value", "threshold", "window_start", "organization")
    list_filter = ("severity",)
    raw_id_fields = ("rule",)


@admin.register(ReportExport)
class ReportExportAdmin(TenantAdmin):
    list_display = (
        "id",
        "report_type",
        "format",
        "status",
        "progress",
        "row_count",
        "organization",
        "created_at",
    )
    list_filter = ("status", "format", "report_type")
    raw_id_fields = ("requested_by",)
    readonly_fields = ("created_at", "updated_at", "started_at", "finished_at")
