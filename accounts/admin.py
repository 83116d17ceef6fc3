from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import Invite, RecoveryProfile, User
from organizations.admin import TenantAdmin
from organizations.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("organization", "role", "is_active", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("organization",)

    def get_queryset(self, request):
        return Membership.objects.unscoped().select_related(
            "organization"
        )  # operators see every organization


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = (
        "email",
        "username",
        "full_name",
        "is_active",
        "is_verified",
        "is_staff",
        "date_joined",
        "last_login",
    )
    list_filter = ("is_active", "is_verified", "is_staff", "is_superuser")
    search_fields = ("email", "full_name", "username")
    readonly_fields = ("date_joined", "last_login")
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "username", "password")}),
        ("Profile", {"fields": ("full_name", "is_verified")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "username", "full_name", "password1", "password2")},
        ),
    )


@admin.register(RecoveryProfile)
class RecoveryProfileAdmin(admin.ModelAdmin):
    """Shows who has self-service recovery set up; the hashed answers and key are never shown."""

    list_display = ("user", "question_1", "question_2", "has_unused_key", "updated_at")
    search_fields = ("user__email",)
    fields = ("user", "question_1", "question_2", "has_unused_key", "created_at", "updated_at")
    readonly_fields = fields

    @admin.display(boolean=True, description="Unused recovery key")
    def has_unused_key(self, obj) -> bool:
        return bool(obj.recovery_key_hash)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invite)
class InviteAdmin(TenantAdmin):
    list_display = ("email", "organization", "role", "status", "invited_by", "expires_at", "created_at")
    list_filter = ("role",)
    search_fields = ("email", "organization__name")
    fields = (
        "organization",
        "email",
        "role",
        "invited_by",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False  # invitations carry a token only their email receives: create them through the API
