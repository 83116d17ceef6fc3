from django.contrib import admin

from billing.models import Plan, StripeEventRecord, Subscription, UsageCounter
from organizations.admin import TenantAdmin


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "rank",
        "monthly_price",
        "scans_per_month",
        "api_calls_per_day",
        "requests_per_second",
        "seats",
        "is_active",
        "stripe_price_id",
    )
    list_editable = ("is_active",)
    ordering = ("rank",)


@admin.register(Subscription)
class SubscriptionAdmin(TenantAdmin):
    list_display = (
        "organization",
        "plan",
        "status",
        "pending_plan",
        "billing_cycle_end",
        "stripe_subscription_id",
    )
    list_filter = ("plan", "status")
    search_fields = (
        "organization__name",
        "organization__slug",
        "stripe_customer_id",
        "stripe_subscription_id",
    )
    list_select_related = ["organization", "plan", "pending_plan"]
    readonly_fields = ("stripe_synced_at", "created_at", "updated_at")


@admin.register(UsageCounter)
class UsageCounterAdmin(TenantAdmin):
    list_display = ("organization", "resource", "window", "window_start", "window_end", "count")
    list_filter = ("resource", "window")
    search_fields = ("organization__name", "organization__slug")
    readonly_fields = ("count",)  # changed only by atomic increments


@admin.register(StripeEventRecord)
class StripeEventRecordAdmin(admin.ModelAdmin):
    list_display = ("event_id", "type", "object_id", "event_created", "outcome", "processed_at")
    list_filter = ("type", "outcome")
    search_fields = ("event_id", "object_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
