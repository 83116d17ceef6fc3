import uuid
from decimal import Decimal

from django.db import models

from organizations.tenancy import OrganizationScopedModel


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


SEVERITY_RANK: dict[str, int] = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}


class ThreatStatus(models.TextChoices):
    DETECTED = "detected", "Detected"
    ANALYZING = "analyzing", "Analyzing"
    MITIGATED = "mitigated", "Mitigated"
    FALSE_POSITIVE = "false_positive", "False positive"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONTAINED = "contained", "Contained"
    RESOLVED = "resolved", "Resolved"


class IdentifierSequence(OrganizationScopedModel):
    """Per-organization, per-year counters behind human ids (THR-2026-0001, INC-2026-0001)."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "prefix", "year"], name="idseq_per_org_year"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.value}"


class Incident(OrganizationScopedModel):
    """Threats from one source within the grouping window, with a risk score (0-100)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    human_id = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    risk_score = models.PositiveSmallIntegerField(default=0)
    threat_count = models.PositiveIntegerField(default=0)
    mitre_techniques = models.JSONField(default=list, blank=True)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "human_id"], name="incident_human_id_per_org"),
        ]
        indexes = [
            models.Index(fields=["organization", "source_ip", "last_seen_at"], name="incident_grouping")
        ]

    def __str__(self) -> str:
        return f"{self.human_id} {self.title}"


class Threat(OrganizationScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    human_id = models.CharField(max_length=20)
    threat_type = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    confidence = models.FloatField()
    status = models.CharField(max_length=16, choices=ThreatStatus.choices, default=ThreatStatus.DETECTED)
    mitre_techniques = models.JSONField(default=list, blank=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    target = models.CharField(max_length=300, blank=True)
    iocs = models.JSONField(default=dict, blank=True)
    recommended_actions = models.JSONField(default=list, blank=True)
    impact_usd = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    raw_log = models.TextField(blank=True)
    timeline = models.JSONField(default=list, blank=True)
    rule = models.ForeignKey(
        "incidents.DetectionRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="threats"
    )
    indicator = models.ForeignKey(
        "incidents.Indicator", null=True, blank=True, on_delete=models.SET_NULL, related_name="threats"
    )
    detector = models.CharField(max_length=20, help_text="sigma, correlation or intel")
    dedupe_key = models.CharField(max_length=400)
    event_count = models.PositiveIntegerField(default=0)
    events = models.ManyToManyField("incidents.Event", blank=True, related_name="threats")
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="threats"
    )
    synthetic = models.BooleanField(default=False)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    detected_at = models.DateTimeField()
    mitigated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-detected_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "human_id"], name="threat_human_id_per_org"),
        ]
        indexes = [
            models.Index(fields=["organization", "dedupe_key", "last_seen_at"], name="threat_dedupe"),
            models.Index(fields=["organization", "severity", "detected_at"], name="threat_severity_time"),
        ]

    def __str__(self) -> str:
        return f"{self.human_id} {self.threat_type}"


def default_severity_costs() -> dict[str, int]:
    return {"low": 5_000, "medium": 50_000, "high": 250_000, "critical": 1_000_000}


def default_type_multipliers() -> dict[str, float]:
    return {
        "malware_download": 2.0,
        "command_execution": 1.5,
        "compromised_account": 2.5,
        "sql_injection": 2.0,
        "command_injection": 2.0,
        "ddos": 1.5,
    }


class CostModel(OrganizationScopedModel):
    """The documented per-organization cost model behind a threat's `impact_usd`:

    impact_usd = severity_costs[severity] * type_multipliers.get(threat_type, 1.0) * confidence

    The defaults are order-of-magnitude figures an organization replaces with its own.
    """

    severity_costs = models.JSONField(default=default_severity_costs)
    type_multipliers = models.JSONField(default=default_type_multipliers)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="cost_model_per_org")]

    def __str__(self) -> str:
        return f"cost model of {self.organization_id}"

    def impact(self, *, severity: str, threat_type: str, confidence: float) -> Decimal:
        base = float(self.severity_costs.get(severity, default_severity_costs().get(severity, 0)))
        multiplier = float(self.type_multipliers.get(threat_type, 1.0))
        return Decimal(str(round(base * multiplier * confidence, 2)))
