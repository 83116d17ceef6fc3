"""Agent enrollment (single-use tokens, enrolled agents and their heartbeats) and onboarding state."""

import uuid

from django.conf import settings
from django.db import models

from organizations.tenancy import OrganizationScopedModel


class EnrollmentToken(OrganizationScopedModel):
    """A single-use, expiring secret an agent trades for its device id and HMAC secret."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=16, help_text="The token's first characters, to recognise it.")
    label = models.CharField(max_length=120, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.label or 'enrollment token'})"


class AgentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    REVOKED = "revoked", "Revoked"


class EnrolledAgent(OrganizationScopedModel):
    """A customer machine running palisade-agent: it signs requests as its sensor (device HMAC)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sensor = models.OneToOneField("incidents.Sensor", on_delete=models.CASCADE, related_name="agent")
    token = models.OneToOneField(
        EnrollmentToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="agent"
    )
    hostname = models.CharField(max_length=255)
    os = models.CharField(max_length=64, blank=True)
    version = models.CharField(max_length=32, blank=True)
    capabilities = models.JSONField(default=list, blank=True, help_text="Action names the agent executes.")
    status = models.CharField(max_length=10, choices=AgentStatus.choices, default=AgentStatus.ACTIVE)
    dry_run = models.BooleanField(default=True, help_text="As last reported: the agent only simulates.")
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    heartbeat_count = models.PositiveIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["hostname"]

    def __str__(self) -> str:
        return self.hostname
