import uuid

from django.conf import settings
from django.db import models

from organizations.tenancy import OrganizationScopedModel


class ActivityKind(models.TextChoices):
    STATUS_CHANGED = "status_changed", "Status changed"
    ASSIGNED = "assigned", "Assigned"
    COMMENTED = "commented", "Commented"
    MERGED = "merged", "Incidents merged into this one"
    MERGED_INTO = "merged_into", "Merged into another incident"
    AI_ANALYSIS = "ai_analysis", "AI analysis"


class IncidentActivity(OrganizationScopedModel):
    """The audit trail of an incident in the workspace: who changed what, and when."""

    id = models.BigAutoField(primary_key=True)
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=16, choices=ActivityKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "incident activities"

    def __str__(self) -> str:
        return f"{self.kind} by {self.actor_email or '-'}"


class IncidentComment(OrganizationScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_email = models.CharField(max_length=254, blank=True)
    body = models.TextField(max_length=10000)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:60]
