from django.contrib import admin

from incidents.onboarding.models import (
    DiscoveredAsset,
    DiscoveredService,
    EnrolledAgent,
    EnrollmentToken,
    NetworkScan,
    OnboardingSession,
)
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


@admin.register(OnboardingSession)
class OnboardingSessionAdmin(TenantAdmin):
    list_display = (
        "organization",
        "status",
        "plan_version",
        "validation_passed",
        "created_at",
        "completed_at",
    )
    list_filter = ("status", "validation_passed")
    readonly_fields = ("steps", "deployment_plan", "validation")
    raw_id_fields = ("started_by", "completed_by", "skipped_by")


@admin.register(NetworkScan)
class NetworkScanAdmin(TenantAdmin):
    list_display = ("cidr", "organization", "status", "hosts_up", "open_ports", "attempts", "created_at")
    list_filter = ("status",)
    search_fields = ("cidr",)
    # Tenant-owned relations are shown, not edited: the raw-id widget would look them up unscoped.
    readonly_fields = ("session",)
    raw_id_fields = ("requested_by",)


class DiscoveredServiceInline(admin.TabularInline):
    model = DiscoveredService
    extra = 0
    fields = ("port", "service", "banner")
    readonly_fields = ("port", "service", "banner")

    def get_queryset(self, request):
        return self.model.objects.unscoped()


@admin.register(DiscoveredService)
class DiscoveredServiceAdmin(TenantAdmin):
    """Every open port found, across assets: what a scan saw, so read-only."""

    list_display = ("asset", "port", "service", "organization")
    list_filter = ("service",)
    search_fields = ("asset__ip", "service", "banner")
    list_select_related = ["organization", "asset"]
    readonly_fields = ("asset", "port", "service", "banner")

    def has_add_permission(self, request):
        return False


@admin.register(DiscoveredAsset)
class DiscoveredAssetAdmin(TenantAdmin):
    list_display = ("ip", "hostname", "os_guess", "organization", "last_seen_at")
    list_filter = ("os_guess",)
    search_fields = ("ip", "hostname")
    readonly_fields = ("scan",)
    inlines = [DiscoveredServiceInline]
