import uuid

from django.conf import settings
from django.db import models

from organizations.tenancy import OrganizationScopedModel


class AttackType(models.TextChoices):
    BRUTE_FORCE = "brute_force", "SSH brute force"
    SQL_INJECTION = "sql_injection", "SQL injection"
    DDOS = "ddos", "DDoS-like burst"
    PORT_SCAN = "port_scan", "Port scan"
    MALWARE = "malware", "Malware download on a honeypot"


class Intensity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class SimulationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class AttackSimulation(OrganizationScopedModel):
    """One simulated attack: generated events pushed through the real ingest and detection path."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    human_id = models.CharField(max_length=20)
    attack_type = models.CharField(max_length=16, choices=AttackType.choices)
    target = models.CharField(max_length=200)
    intensity = models.CharField(max_length=8, choices=Intensity.choices, default=Intensity.MEDIUM)
    source_ip = models.GenericIPAddressField()
    status = models.CharField(
        max_length=10, choices=SimulationStatus.choices, default=SimulationStatus.QUEUED
    )
    events_planned = models.PositiveIntegerField(default=0)
    events_sent = models.PositiveIntegerField(default=0)
    batch = models.ForeignKey(
        "incidents.IngestBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    threats_detected = models.PositiveIntegerField(default=0)
    finding = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "human_id"], name="simulation_human_id_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.human_id} {self.attack_type}"
