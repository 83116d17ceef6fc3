import uuid

from django.conf import settings
from django.db import models

from organizations.tenancy import OrganizationScopedModel


class RuleOrigin(models.TextChoices):
    BUILTIN = "builtin", "Built-in (incidents/rules)"
    CUSTOM = "custom", "Custom (this organization)"


class RuleKind(models.TextChoices):
    DETECTION = "detection", "Sigma detection rule"
    CORRELATION = "correlation", "Sigma correlation rule"


class DetectionRule(OrganizationScopedModel):
    """One Sigma document of an organization: a built-in rule mirrored per organization (so it has
    its own switch and counters) or a custom rule written by the organization."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    origin = models.CharField(max_length=10, choices=RuleOrigin.choices, default=RuleOrigin.CUSTOM)
    kind = models.CharField(max_length=12, choices=RuleKind.choices, default=RuleKind.DETECTION)
    sigma_id = models.CharField(max_length=64, help_text="The Sigma rule's own `id`.")
    name = models.CharField(max_length=120, blank=True, help_text="The Sigma `name` correlations refer to.")
    title = models.CharField(max_length=256)
    level = models.CharField(max_length=16)
    threat_type = models.CharField(max_length=64)
    mitre_techniques = models.JSONField(default=list, blank=True)
    yaml = models.TextField()
    content_hash = models.CharField(max_length=64)
    enabled = models.BooleanField(default=True)
    hits = models.PositiveBigIntegerField(default=0)
    threats_created = models.PositiveBigIntegerField(default=0)
    threats_confirmed = models.PositiveBigIntegerField(default=0)
    false_positives = models.PositiveBigIntegerField(default=0)
    suppressed = models.PositiveBigIntegerField(default=0)
    last_hit_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["origin", "title"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "sigma_id"], name="rule_sigma_id_per_org"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def precision(self) -> float | None:
        """Confirmed / (confirmed + false positives), from analysts' verdicts; None before any."""
        judged = self.threats_confirmed + self.false_positives
        return round(self.threats_confirmed / judged, 3) if judged else None


class RuleException(OrganizationScopedModel):
    """Suppresses one rule for a scope (source ip/cidr, user, host), optionally until a date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    rule = models.ForeignKey(DetectionRule, on_delete=models.CASCADE, related_name="exceptions")
    source_cidr = models.CharField(max_length=50, blank=True, help_text="An IP or CIDR.")
    user = models.CharField(max_length=200, blank=True)
    host = models.CharField(
        max_length=200, blank=True, help_text="Matches the event's target (dst ip or host)."
    )
    reason = models.CharField(max_length=400, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    suppressed = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        scope = ", ".join(v for v in (self.source_cidr, self.user, self.host) if v)
        return f"{self.rule} except {scope}"


class CorrelationHit(OrganizationScopedModel):
    """Base-rule hits that feed a correlation rule, kept so windows span batches and processes.

    One row sums the hits of one (correlation, group, rule, value) within a bucket of a twentieth of
    the correlation's timespan: `weight` is their summed weight, `timestamp` and `event` those of the
    bucket's latest hit (see incidents.detection.services._store_feeds)."""

    id = models.BigAutoField(primary_key=True)
    correlation_id = models.CharField(max_length=64)
    group_key = models.CharField(max_length=300)
    rule_name = models.CharField(max_length=120)
    value = models.CharField(max_length=300, blank=True)
    weight = models.PositiveIntegerField(default=1)
    timestamp = models.DateTimeField()
    event = models.ForeignKey("incidents.Event", null=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [
            models.Index(
                fields=["organization", "correlation_id", "group_key", "timestamp"], name="corrhit_lookup"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.correlation_id} {self.group_key} @ {self.timestamp:%Y-%m-%d %H:%M:%S}"
