from django.contrib import admin

from incidents.models import (
    AttackSimulation,
    CorrelationHit,
    CostModel,
    DetectionRule,
    DetectionSettings,
    Event,
    IdentifierSequence,
    Incident,
    IncidentActivity,
    IncidentComment,
    IncidentObservable,
    Indicator,
    IngestBatch,
    RuleException,
    Sensor,
    Threat,
)
from organizations.admin import TenantAdmin


@admin.register(Sensor)
class SensorAdmin(TenantAdmin):
    list_display = (
        "name",
        "organization",
        "kind",
        "is_active",
        "events_received",
        "auth_failures",
        "last_seen_at",
    )
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    readonly_fields = ("secret_encrypted", "events_received", "auth_failures", "last_seen_at")


@admin.register(IngestBatch)
class IngestBatchAdmin(TenantAdmin):
    list_display = (
        "id",
        "organization",
        "endpoint",
        "accepted",
        "rejected",
        "unparseable",
        "status",
        "created_at",
    )
    list_filter = ("status", "endpoint", "synthetic")


@admin.register(Event)
class EventAdmin(TenantAdmin):
    list_display = (
        "timestamp",
        "organization",
        "source_type",
        "action",
        "outcome",
        "src_ip",
        "user",
        "parsed",
    )
    list_filter = ("source_type", "parsed", "synthetic", "outcome")
    search_fields = ("src_ip", "user", "message")
    raw_id_fields = ("batch", "sensor")


@admin.register(DetectionRule)
class DetectionRuleAdmin(TenantAdmin):
    list_display = ("title", "organization", "origin", "kind", "level", "enabled", "hits", "threats_created")
    list_filter = ("origin", "kind", "level", "enabled")
    search_fields = ("title", "name", "sigma_id")


@admin.register(RuleException)
class RuleExceptionAdmin(TenantAdmin):
    list_display = ("rule", "organization", "source_cidr", "user", "host", "expires_at", "suppressed")
    raw_id_fields = ("rule",)


@admin.register(CorrelationHit)
class CorrelationHitAdmin(TenantAdmin):
    list_display = ("correlation_id", "organization", "group_key", "rule_name", "timestamp")
    raw_id_fields = ("event",)


@admin.register(Threat)
class ThreatAdmin(TenantAdmin):
    list_display = (
        "human_id",
        "organization",
        "threat_type",
        "severity",
        "status",
        "source_ip",
        "detected_at",
    )
    list_filter = ("severity", "status", "detector", "synthetic")
    search_fields = ("human_id", "title", "source_ip")
    raw_id_fields = ("events", "incident", "rule", "indicator")


class IncidentActivityInline(admin.TabularInline):
    model = IncidentActivity
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor_email", "data")
    readonly_fields = fields

    def get_queryset(self, request):
        return IncidentActivity.objects.unscoped()


@admin.register(Incident)
class IncidentAdmin(TenantAdmin):
    list_display = (
        "human_id",
        "organization",
        "title",
        "severity",
        "risk_score",
        "threat_count",
        "status",
        "assignee",
        "last_seen_at",
    )
    list_filter = ("severity", "status")
    search_fields = ("human_id", "title", "source_ip")
    list_select_related = ["organization", "assignee"]
    raw_id_fields = ("assignee", "status_changed_by", "merged_into")
    inlines = [IncidentActivityInline]


@admin.register(IncidentActivity)
class IncidentActivityAdmin(TenantAdmin):
    """The incident's trail (status changes, assignments, merges): read-only, it is evidence."""

    list_display = ("incident", "organization", "kind", "actor_email", "created_at")
    list_filter = ("kind",)
    search_fields = ("actor_email",)
    list_select_related = ["organization", "incident"]
    readonly_fields = ("organization", "incident", "kind", "actor", "actor_email", "data", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IncidentComment)
class IncidentCommentAdmin(TenantAdmin):
    list_display = ("incident", "organization", "author_email", "created_at")
    search_fields = ("body", "author_email")
    list_select_related = ["organization", "incident"]
    raw_id_fields = ("incident", "author")


@admin.register(IncidentObservable)
class IncidentObservableAdmin(TenantAdmin):
    list_display = ("incident", "organization", "kind", "value")
    list_filter = ("kind",)
    search_fields = ("value",)
    list_select_related = ["organization", "incident"]
    raw_id_fields = ("incident",)


@admin.register(DetectionSettings)
class DetectionSettingsAdmin(TenantAdmin):
    list_display = (
        "organization",
        "sensitivity",
        "auto_contain",
        "auto_contain_min_severity",
        "last_learned_at",
    )
    list_filter = ("sensitivity", "auto_contain")
    readonly_fields = ("baseline", "last_learned_at", "learning_runs")


@admin.register(AttackSimulation)
class AttackSimulationAdmin(TenantAdmin):
    list_display = (
        "human_id",
        "organization",
        "attack_type",
        "intensity",
        "status",
        "threats_detected",
        "created_at",
    )
    list_filter = ("attack_type", "status")
    search_fields = ("human_id", "target")
    raw_id_fields = ("batch", "created_by")


@admin.register(Indicator)
class IndicatorAdmin(TenantAdmin):
    list_display = ("type", "value", "organization", "source", "confidence", "expires_at", "hits")
    list_filter = ("type",)
    search_fields = ("value", "source")


@admin.register(CostModel)
class CostModelAdmin(TenantAdmin):
    list_display = ("organization", "updated_at")


@admin.register(IdentifierSequence)
class IdentifierSequenceAdmin(TenantAdmin):
    list_display = ("organization", "prefix", "year", "value")
