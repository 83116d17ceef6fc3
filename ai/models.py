import uuid

from django.conf import settings
from django.db import models

from organizations.tenancy import OrganizationScopedModel


class ProviderConfiguration(OrganizationScopedModel):
    """One user's bring-your-own-model settings for one provider, in one organization.

    Credentials are stored only as a Fernet token (`encrypted_credentials`); the API and the admin
    show `credentials_hint`, a masked fragment that lets a person recognise the key.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ai_configurations"
    )
    provider_code = models.CharField(max_length=32, db_index=True)
    model_id = models.CharField(max_length=200)
    encrypted_credentials = models.TextField(editable=False)
    credentials_hint = models.CharField(max_length=64, blank=True, editable=False)
    is_active = models.BooleanField(default=False)
    credentials_validated = models.BooleanField(default=False)
    last_validated_at = models.DateTimeField(null=True, blank=True)
    last_validation_message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(is_active=True),
                name="ai_one_active_configuration_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider_code}/{self.model_id} for {self.user_id}"


class AIAction(models.TextChoices):
    CHAT = "chat", "Chat answered"
    METRIC_SUGGESTED = "metric_suggested", "Metric suggested"
    METRIC_CREATED = "metric_created", "Metric created"
    METRICS_ENHANCED = "metrics_enhanced", "Metrics enhanced"
    PROVIDER_CONFIGURED = "provider_configured", "Provider configured"
    PROVIDER_VALIDATED = "provider_validated", "Provider validated"
    PROVIDER_ACTIVATED = "provider_activated", "Provider activated"
    PROVIDER_DEACTIVATED = "provider_deactivated", "Provider deactivated"
    PROVIDER_FAILED = "provider_failed", "Provider call failed"


class AIChangeLogEntry(OrganizationScopedModel):
    """Every AI action: what was asked, of which provider and model, and what came of it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=32, choices=AIAction.choices, db_index=True)
    source = models.CharField(max_length=32, default="ai_assistant")
    mode = models.CharField(max_length=32, blank=True)
    prompt = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    provider_code = models.CharField(max_length=32, blank=True)
    model_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "AI change log entry"
        verbose_name_plural = "AI change log"

    def __str__(self) -> str:
        return f"{self.action} by {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"
