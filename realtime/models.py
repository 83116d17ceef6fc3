import uuid

from django.conf import settings
from django.db import models

from organizations.tenancy import OrganizationScopedModel


class Event(OrganizationScopedModel):
    """A domain event as published: kept for replay and to track its webhook deliveries."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_type = models.CharField(max_length=80, db_index=True)
    payload = models.JSONField(default=dict)
    rooms = models.JSONField(default=list, blank=True, help_text="Empty: the whole organization.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="rt_event_org_created")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.id}"


class SubscriptionSource(models.TextChoices):
    API = "api", "Webhooks API"
    MCP = "mcp", "MCP hook registration"


class WebhookSubscription(OrganizationScopedModel):
    """An endpoint the organization wants its events POSTed to, signed with `secret`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField(max_length=2048)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="Event type names delivered to this endpoint.")
    # Kept as given: signing needs the secret itself, a digest cannot sign. Never shown again after creation.
    secret = models.CharField(max_length=200)
    source = models.CharField(
        max_length=8, choices=SubscriptionSource.choices, default=SubscriptionSource.API
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text="First failure since the last success."
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=800, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url

    @property
    def secret_hint(self) -> str:
        return f"…{self.secret[-4:]}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Retrying"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class WebhookDelivery(OrganizationScopedModel):
    """One event to one subscription; its id is the idempotency key receivers see."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_response_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="rt_delivery_once_per_subscription"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="rt_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.subscription_id} ({self.status})"


class AttemptOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    RETRYABLE = "retryable", "Failed, will retry"
    FAILED = "failed", "Failed, no retry"


class WebhookAttempt(OrganizationScopedModel):
    """One HTTP POST of a delivery and what came of it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=AttemptOutcome.choices)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="rt_attempt_number_unique")
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}: {self.outcome}"
