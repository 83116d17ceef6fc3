from django.contrib import admin

from organizations.models import Membership, Organization
from organizations.tenancy import OrganizationScopedModel


class TenantAdmin(admin.ModelAdmin):
    """Admin for tenant-owned rows: operators see every organization (an audited cross-tenant place)."""

    list_select_related = ["organization"]

    def get_queryset(self, request):
        return self.model.objects.unscoped()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if issubclass(related, OrganizationScopedModel) and "queryset" not in kwargs:
            kwargs["queryset"] = related.objects.unscoped()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)

    def get_queryset(self, request):
        return Membership.objects.unscoped().select_related("user")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "industry", "country", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ("user", "organization", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "organization__name")
    autocomplete_fields = ("user", "organization")
    list_select_related = ["user", "organization"]
