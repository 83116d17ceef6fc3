from django.contrib import admin

from metrics.models import (
    Catalog,
    DemoMetric,
    DemoSession,
    Framework,
    FrameworkCategory,
    FrameworkFunction,
    FrameworkSubcategory,
    Metric,
    MetricValue,
)


class ReferenceAdmin(admin.ModelAdmin):
    """Framework text is loaded from metrics/data (load_frameworks); it is read-only here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(ReferenceAdmin):
    list_display = ["id", "short_name", "version", "publisher", "published"]


@admin.register(FrameworkFunction)
class FrameworkFunctionAdmin(ReferenceAdmin):
    list_display = ["code", "name", "framework", "metric_prefix"]
    list_filter = ["framework"]


@admin.register(FrameworkCategory)
class FrameworkCategoryAdmin(ReferenceAdmin):
    list_display = ["code", "name", "function", "framework"]
    list_filter = ["framework"]
    search_fields = ["code", "name", "description"]


@admin.register(FrameworkSubcategory)
class FrameworkSubcategoryAdmin(ReferenceAdmin):
    list_display = ["code", "category", "framework"]
    list_filter = ["framework"]
    search_fields = ["code", "description"]


class TenantAdmin(admin.ModelAdmin):
    """Operators see every organization's rows: an audited cross-tenant place."""

    list_select_related = ["organization"]

    def get_queryset(self, request):
        return self.model.objects.unscoped()


@admin.register(Catalog)
class CatalogAdmin(TenantAdmin):
    list_display = ["name", "organization", "is_active", "is_default", "created_at"]
    list_filter = ["is_active", "is_default"]
    search_fields = ["name", "organization__name"]
    raw_id_fields = ["organization", "owner"]


@admin.register(Metric)
class MetricAdmin(TenantAdmin):
    list_display = [
        "metric_number",
        "name",
        "organization",
        "catalog",
        "current_value",
        "target_value",
        "priority",
        "is_locked",
    ]
    list_filter = ["framework", "priority", "is_locked", "source"]
    search_fields = ["metric_number", "name", "organization__name"]
    raw_id_fields = [
        "organization",
        "catalog",
        "function",
        "category",
        "subcategory",
        "locked_by",
        "created_by",
    ]
    list_select_related = ["organization", "catalog"]


@admin.register(MetricValue)
class MetricValueAdmin(TenantAdmin):
    list_display = ["metric", "value", "recorded_at", "organization"]
    raw_id_fields = ["organization", "metric", "recorded_by"]
    list_select_related = ["organization", "metric"]


class DemoMetricInline(admin.TabularInline):
    model = DemoMetric
    extra = 0
    fields = (
        "name",
        "framework",
        "category",
        "target_value",
        "priority",
        "starter_id",
        "refinement_id",
        "created_at",
    )
    readonly_fields = fields
    can_delete = False


@admin.register(DemoSession)
class DemoSessionAdmin(admin.ModelAdmin):
    """The session token is never stored, only its digest, which is not shown either."""

    list_display = ["email", "created_at", "demo_started_at", "demo_expires_at"]
    search_fields = ["email"]
    fields = ("email", "video_skipped", "created_at", "start_deadline", "demo_started_at", "demo_expires_at")
    readonly_fields = fields
    inlines = [DemoMetricInline]

    def has_add_permission(self, request):
        return False


@admin.register(DemoMetric)
class DemoMetricAdmin(admin.ModelAdmin):
    list_display = ["name", "session", "framework", "category", "created_at"]
    list_filter = ["framework"]
    readonly_fields = ["session", "framework", "category", "starter_id", "refinement_id", "created_at"]
