from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator

from organizations.models import ApiKey, AuditEvent, Membership, Organization, Team, TeamMember
from organizations.tenancy import OrganizationScopedModel


class TenantRawIdWidget(ForeignKeyRawIdWidget):
    """The raw-id widget, looking the related tenant row up unscoped to show its label and link."""

    def label_and_url_for_value(self, value):
        model = self.rel.model
        key = self.rel.get_related_field().name
        try:
            obj = model.objects.unscoped().using(self.db).get(**{key: value})
        except (ValueError, model.DoesNotExist, ValidationError):
            return "", ""
        opts = obj._meta
        try:
            url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=(obj.pk,))
        except NoReverseMatch:
            url = ""
        return Truncator(obj).words(14), url


class TenantAdmin(admin.ModelAdmin):
    """Admin for tenant-owned rows: operators see every organization (an audited cross-tenant place)."""

    list_select_related = ["organization"]

    def get_queryset(self, request):
        return self.model.objects.unscoped()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if issubclass(related, OrganizationScopedModel):
            kwargs.setdefault("queryset", related.objects.unscoped())
            if db_field.name in self.raw_id_fields and "widget" not in kwargs:
                kwargs["widget"] = TenantRawIdWidget(
                    db_field.remote_field, self.admin_site, using=kwargs.get("using")
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "is_active", "created_at")
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
    list_display = ("user", "organization", "role", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__email", "organization__name")
    autocomplete_fields = ("user", "organization")
    list_select_related = ["user", "organization"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)

    def get_queryset(self, request):
        return TeamMember.objects.unscoped().select_related("user")


@admin.register(Team)
class TeamAdmin(TenantAdmin):
    list_display = ("name", "organization", "created_at")
    search_fields = ("name", "organization__name")
    autocomplete_fields = ("organization",)
    inlines = (TeamMemberInline,)

    def save_formset(self, request, form, formset, change):
        for member in formset.save(commit=False):
            member.organization_id = form.instance.organization_id
            member.save()
        for removed in formset.deleted_objects:
            removed.delete()


@admin.register(TeamMember)
class TeamMemberAdmin(TenantAdmin):
    list_display = ("user", "team", "role", "organization")
    list_filter = ("role",)
    search_fields = ("user__email", "team__name")
    autocomplete_fields = ("user", "team", "organization")
    list_select_related = ["user", "team", "organization"]


@admin.register(ApiKey)
class ApiKeyAdmin(TenantAdmin):
    """Keys are created through the API (the secret is shown once there); here they can be seen and revoked."""

    list_display = ("name", "prefix", "organization", "scopes", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "organization__name")
    readonly_fields = (
        "prefix",
        "key_digest",
        "created_by",
        "last_used_at",
        "created_at",
        "organization",
        "scopes",
    )
    fields = (
        "name",
        "organization",
        "prefix",
        "scopes",
        "expires_at",
        "revoked_at",
        "created_by",
        "last_used_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(TenantAdmin):
    list_display = ("created_at", "action", "actor_email", "organization", "target_repr", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_email", "target_repr", "organization__name", "ip_address")
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return AuditEvent.objects.unscoped().select_related("organization")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
