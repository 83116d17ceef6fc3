from django.contrib import admin

from ai.models import AIChangeLogEntry, ProviderConfiguration


@admin.register(ProviderConfiguration)
class ProviderConfigurationAdmin(admin.ModelAdmin):
    """Credentials are never shown: only the masked hint. The encrypted column is not even listed."""

    list_display = [
        "provider_code",
        "model_id",
        "user",
        "organization",
        "is_active",
        "credentials_validated",
        "last_validated_at",
    ]
    list_filter = ["provider_code", "is_active", "credentials_validated"]
    search_fields = ["user__email", "organization__name", "model_id"]
    fields = [
        "organization",
        "user",
        "provider_code",
        "model_id",
        "credentials_hint",
        "is_active",
        "credentials_validated",
        "last_validated_at",
        "last_validation_message",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [
        "organization",
        "user",
        "provider_code",
        "credentials_hint",
        "credentials_validated",
        "last_validated_at",
        "last_validation_message",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request):
        return ProviderConfiguration.objects.unscoped().select_related("user", "organization")

    def has_add_permission(self, request):
        return False  # credentials are entered through the API, which encrypts and validates them


@admin.register(AIChangeLogEntry)
class AIChangeLogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "mode", "user", "organization", "provider_code", "model_id"]
    list_filter = ["action", "mode", "provider_code"]
    search_fields = ["prompt", "user__email", "organization__name"]
    readonly_fields = [f.name for f in AIChangeLogEntry._meta.fields]

    def get_queryset(self, request):
        return AIChangeLogEntry.objects.unscoped().select_related("user", "organization")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
