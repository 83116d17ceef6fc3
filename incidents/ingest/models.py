import uuid

from django.conf import settings
from django.db import models

from organizations.tenancy import OrganizationScopedModel


class SourceType(models.TextChoices):
    COWRIE = "cowrie", "Cowrie honeypot (JSON)"
    SSHD = "sshd", "OpenSSH / PAM auth.log (syslog)"
    WEB = "web", "Web access log (Apache/Nginx combined or common)"
    JSON = "json", "Generic JSON event"
    TEXT = "text", "Free text (detect only)"


class Sensor(OrganizationScopedModel):
    """A device that sends events, authenticated with HMAC (see incidents.ingest.auth)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=SourceType.choices, default=SourceType.COWRIE)
    description = models.CharField(max_length=400, blank=True)
    # Fernet ciphertext of the shared secret: HMAC needs the secret itself, so it cannot be hashed.
    secret_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(default=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    events_received = models.PositiveBigIntegerField(default=0)
    auth_failures = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="sensor_name_per_org")]

    def __str__(self) -> str:
        return self.name


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "Queued for detection"
    RUNNING = "running", "Detection running"
    DONE = "done", "Detection done"
    FAILED = "failed", "Detection failed"


class IngestBatch(OrganizationScopedModel):
    """One accepted request's worth of events; its detection runs as one Celery task."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sensor = models.ForeignKey(
        Sensor, null=True, blank=True, on_delete=models.SET_NULL, related_name="batches"
    )
    endpoint = models.CharField(max_length=40)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    unparseable = models.PositiveIntegerField(default=0)
    synthetic = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    threats_created = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"batch {self.id} ({self.accepted} events)"


class Event(OrganizationScopedModel):
    """One normalised log event. Unparseable input is kept raw with parsed=False."""

    id = models.BigAutoField(primary_key=True)
    batch = models.ForeignKey(
        IngestBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    sensor = models.ForeignKey(Sensor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source_type = models.CharField(max_length=10, choices=SourceType.choices)
    timestamp = models.DateTimeField(db_index=True)
    src_ip = models.GenericIPAddressField(null=True, blank=True)
    src_port = models.PositiveIntegerField(null=True, blank=True)
    dst_ip = models.GenericIPAddressField(null=True, blank=True)
    dst_port = models.PositiveIntegerField(null=True, blank=True)
    user = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=10, blank=True)
    message = models.TextField(blank=True)
    raw = models.TextField()
    fields = models.JSONField(default=dict, blank=True)
    parsed = models.BooleanField(default=True)
    parse_error = models.CharField(max_length=300, blank=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["organization", "timestamp"], name="event_org_time"),
            models.Index(fields=["organization", "src_ip", "timestamp"], name="event_org_src_time"),
        ]

    def __str__(self) -> str:
        return f"{self.source_type} {self.action or '-'} {self.src_ip or ''}".strip()
