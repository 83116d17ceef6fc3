from django.contrib import admin

from organizations.admin import TenantAdmin
from realtime.models import Event, WebhookAttempt, WebhookDelivery, WebhookSubscription


class ReadOnlyTenantAdmin(TenantAdmin):
    """History: operators read it; nobody edits it by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyTenantAdmin):
    list_display = ("event_type", "organization", "created_at")
    list_filter = ("event_type",)
    search_fields = ("id", "event_type", "organization__name")
    date_hierarchy = "created_at"


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(TenantAdmin):
    list_display = ("url", "organization", "is_active", "source", "consecutive_failures", "disabled_at")
    list_filter = ("is_active", "source")
    search_fields = ("url", "description", "organization__name")
    exclude = ("secret",)
    # The URL and events change through the API, which runs the SSRF guard; here operators only switch
    # a subscription off (or describe it).
    readonly_fields = (
        "organization",
        "url",
        "events",
        "source",
        "created_by",
        "failing_since",
        "consecutive_failures",
        "last_success_at",
        "last_failure_at",
        "last_error",
        "disabled_at",
        "disabled_reason",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request, obj=None):
        return False  # created through the API, which runs the SSRF guard and shows the secret once


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "outcome", "response_status", "duration_ms", "error", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return WebhookAttempt.objects.unscoped()


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyTenantAdmin):
    list_display = ("event", "subscription", "organization", "status", "attempt_count", "next_attempt_at")
    list_filter = ("status",)
    search_fields = ("id", "event__event_type", "subscription__url")
    list_select_related = ["organization", "event", "subscription"]
    inlines = (WebhookAttemptInline,)


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ReadOnlyTenantAdmin):
    list_display = ("delivery", "number", "outcome", "response_status", "duration_ms", "created_at")
    list_filter = ("outcome",)
    list_select_related = ["organization", "delivery"]
