import uuid
from decimal import Decimal

from django.conf import settings
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
    """open -> investigating -> contained -> resolved, and false_positive from any of them."""

    OPEN = "open", "Open"
    INVESTIGATING = "investigating", "Investigating"
    CONTAINED = "contained", "Contained"
    RESOLVED = "resolved", "Resolved"
    FALSE_POSITIVE = "false_positive", "False positive"


# Statuses an incident may move to from each status (a closed incident may be reopened).
INCIDENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    IncidentStatus.OPEN: (
        IncidentStatus.INVESTIGATING,
        IncidentStatus.CONTAINED,
        IncidentStatus.RESOLVED,
        IncidentStatus.FALSE_POSITIVE,
    ),
    IncidentStatus.INVESTIGATING: (
        IncidentStatus.CONTAINED,
        IncidentStatus.RESOLVED,
        IncidentStatus.FALSE_POSITIVE,
        IncidentStatus.OPEN,
    ),
    IncidentStatus.CONTAINED: (
        IncidentStatus.RESOLVED,
        IncidentStatus.INVESTIGATING,
        IncidentStatus.FALSE_POSITIVE,
    ),
    IncidentStatus.RESOLVED: (IncidentStatus.OPEN,),
    IncidentStatus.FALSE_POSITIVE: (IncidentStatus.OPEN,),
}


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
    status = models.CharField(max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    risk_score = models.PositiveSmallIntegerField(default=0)
    ml_confidence = models.FloatField(null=True, blank=True, help_text="Filled by the ML app (0-1).")
    threat_count = models.PositiveIntegerField(default=0)
    mitre_techniques = models.JSONField(default=list, blank=True)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ai_analysis = models.JSONField(null=True, blank=True)
    ai_analyzed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_incidents"
    )

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "human_id"], name="incident_human_id_per_org"),
        ]
        indexes = [
            models.Index(fields=["organization", "source_ip", "last_seen_at"], name="incident_grouping"),
            models.Index(fields=["organization", "status", "last_seen_at"], name="incident_status_time"),
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
            # The SOC dashboard counts a day's and a week's threats by status and type from this index
            # alone on PostgreSQL (an index-only scan; the included columns are ignored elsewhere).
            models.Index(
                fields=["organization", "detected_at"],
                include=["status", "threat_type", "impact_usd", "mitigated_at", "synthetic"],
                name="threat_dashboard",
            ),
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


class ObservableKind(models.TextChoices):
    IP = "ip", "Source IP"
    HASH = "hash", "File hash"
    SESSION = "session", "Honeypot session"
    USER = "user", "User name"
    HOST = "host", "Host / target"


# Kinds that are specific enough to put two threats into one incident. User names (root, admin)
# and hosts (the honeypot itself) are shared by unrelated attackers: they only rank similar incidents.
GROUPING_KINDS = (ObservableKind.IP, ObservableKind.HASH, ObservableKind.SESSION)


class IncidentObservable(OrganizationScopedModel):
    """One observable (ip, hash, session, user, host) of an incident, for correlation and similarity."""

    id = models.BigAutoField(primary_key=True)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="observables")
    kind = models.CharField(max_length=10, choices=ObservableKind.choices)
    value = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "kind", "value"], name="incident_observable_once"),
        ]
        indexes = [models.Index(fields=["organization", "kind", "value"], name="observable_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class Sensitivity(models.TextChoices):
    LOW = "low", "Low: only confident detections, escalate late"
    MEDIUM = "medium", "Medium (default)"
    HIGH = "high", "High: every detection, escalate early"


# What a sensitivity changes: the confidence below which a detection raises no threat, and the
# risk scores at which an incident reaches escalation levels 1, 2 and 3.
SENSITIVITY_PROFILES: dict[str, dict] = {
    Sensitivity.LOW: {"confidence_floor": 0.8, "escalation_thresholds": [50, 70, 90]},
    Sensitivity.MEDIUM: {"confidence_floor": 0.4, "escalation_thresholds": [40, 60, 80]},
    Sensitivity.HIGH: {"confidence_floor": 0.0, "escalation_thresholds": [25, 45, 65]},
}


class DetectionSettings(OrganizationScopedModel):
    """Per-organization detection settings, one row created lazily (see selectors.detection_settings)."""

    auto_contain = models.BooleanField(default=False)
    auto_contain_min_severity = models.CharField(
        max_length=10, choices=Severity.choices, default=Severity.HIGH
    )
    sensitivity = models.CharField(max_length=10, choices=Sensitivity.choices, default=Sensitivity.MEDIUM)
    baseline = models.JSONField(default=dict, blank=True, help_text="What the last learning cycle measured.")
    last_learned_at = models.DateTimeField(null=True, blank=True)
    learning_runs = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "detection settings"
        constraints = [models.UniqueConstraint(fields=["organization"], name="detection_settings_per_org")]

    def __str__(self) -> str:
        return f"detection settings of {self.organization_id}"

    @property
    def confidence_floor(self) -> float:
        return SENSITIVITY_PROFILES[self.sensitivity]["confidence_floor"]

    @property
    def escalation_thresholds(self) -> list[int]:
        return list(SENSITIVITY_PROFILES[self.sensitivity]["escalation_thresholds"])

    def escalation_level(self, risk_score: int) -> int:
        """0 (none) to 3 (highest): how many of the sensitivity's thresholds the risk score reaches."""
        return sum(1 for threshold in self.escalation_thresholds if risk_score >= threshold)
