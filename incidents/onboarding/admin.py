from django.contrib import admin

from incidents.onboarding.models import EnrolledAgent, EnrollmentToken
from organizations.admin import TenantAdmin


@admin.register(EnrollmentToken)
class EnrollmentTokenAdmin(TenantAdmin):
    list_display = ("prefix", "label", "organization", "expires_at", "used_at")
    readonly_fields = ("token_hash",)
    raw_id_fields = ("created_by",)


@admin.register(EnrolledAgent)
class EnrolledAgentAdmin(TenantAdmin):
    list_display = ("hostname", "organization", "status", "dry_run", "last_heartbeat_at", "heartbeat_count")
    list_filter = ("status", "dry_run")
    search_fields = ("hostname",)
    raw_id_fields = ("sensor", "token")
