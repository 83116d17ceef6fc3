"""Productivity metrics, AI-agent executions, dashboards, alert rules, fired alerts, report exports."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from organizations.tenancy import OrganizationScopedModel


class BatchSource(models.TextChoices):
    PRODUCTIVITY = "productivity", "POST metrics/productivity"
    AGENTS = "agents", "POST metrics/agents"
    MCP = "mcp", "POST mcp/metrics/collect"


class MetricBatch(OrganizationScopedModel):
    """One accepted ingestion request: its `batch_id` and what happened to its items.

    `processed_at` is set once alert evaluation and dashboard updates ran for it, so the task
    that does that work is safe to run twice.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=16, choices=BatchSource.choices)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    metric_types = models.JSONField(default=list, blank=True)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    api_key_prefix = models.CharField(max_length=16, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "metric batches"

    def __str__(self) -> str:
        return f"{self.source} batch {self.pk} ({self.accepted} accepted)"


class ProductivityMetric(OrganizationScopedModel):
    """One measured value: who (user, team), what (metric_type), when, how much."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.CharField(
        max_length=100,
        blank=True,
        help_text="The sender's id; a second item with the same id is a duplicate.",
    )
    batch = models.ForeignKey(MetricBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    timestamp = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "organizations.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    metric_type = models.CharField(max_length=100)
    value = models.FloatField()
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-timestamp"]
        indexes = [
            models.Index(fields=["organization", "metric_type", "timestamp"], name="prod_metric_type_ts"),
            models.Index(fields=["organization", "timestamp"], name="prod_metric_ts"),
            models.Index(fields=["organization", "team", "timestamp"], name="prod_metric_team_ts"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "client_id"],
                condition=~Q(client_id=""),
                name="prod_metric_unique_client_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric_type}={self.value} at {self.timestamp:%Y-%m-%d %H:%M}"


class AgentExecution(OrganizationScopedModel):
    """One run of an AI agent's command, from the API or an MCP server."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.CharField(max_length=100, blank=True)
    batch = models.ForeignKey(MetricBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    timestamp = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_identifier = models.CharField(max_length=254, blank=True, help_text="As the MCP server sent it.")
    team = models.ForeignKey(
        "organizations.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    session_id = models.CharField(max_length=200, blank=True)
    agent_name = models.CharField(max_length=120)
    command = models.CharField(max_length=500, blank=True)
    execution_time_ms = models.PositiveIntegerField()
    success = models.BooleanField()
    error_details = models.TextField(blank=True)
    tokens_used = models.PositiveIntegerField(null=True, blank=True)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-timestamp"]
        indexes = [
            models.Index(fields=["organization", "agent_name", "timestamp"], name="prod_agent_name_ts"),
            models.Index(fields=["organization", "timestamp"], name="prod_agent_ts"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "client_id"],
                condition=~Q(client_id=""),
                name="prod_agent_unique_client_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agent_name} {'ok' if self.success else 'failed'} in {self.execution_time_ms} ms"


class DashboardScope(models.TextChoices):
    USER = "user", "Only its owner"
    TEAM = "team", "A team"
    ORGANIZATION = "organization", "The whole organization"


class Dashboard(OrganizationScopedModel):
    """A named layout of widgets; each widget holds a query the analytics service answers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    scope = models.CharField(max_length=16, choices=DashboardScope.choices, default=DashboardScope.USER)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "organizations.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    layout = models.JSONField(default=list, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "created_at"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.scope == DashboardScope.TEAM and self.team_id is None:
            raise ValidationError({"team_id": "A team dashboard names its team."})
        if self.scope != DashboardScope.TEAM and self.team_id is not None:
            raise ValidationError({"team_id": "Only a team dashboard names a team."})


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class AlertCondition(models.TextChoices):
    THRESHOLD = "threshold", "The window's value crosses a fixed threshold"
    DEVIATION = "deviation", "The window's value is N standard deviations from the rolling baseline"


class AlertDirection(models.TextChoices):
    ABOVE = "above", "Above"
    BELOW = "below", "Below"
    BOTH = "both", "Either way"


class AlertRule(OrganizationScopedModel):
    """Watches the sum of one metric type per window (of the organization, a team or a user)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    metric_type = models.CharField(max_length=100)
    team = models.ForeignKey(
        "organizations.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    condition = models.CharField(max_length=16, choices=AlertCondition.choices)
    direction = models.CharField(max_length=8, choices=AlertDirection.choices, default=AlertDirection.ABOVE)
    threshold = models.FloatField(null=True, blank=True)
    deviations = models.FloatField(
        null=True, blank=True, help_text="N standard deviations (deviation rules)."
    )
    window_minutes = models.PositiveIntegerField(default=60)
    baseline_windows = models.PositiveIntegerField(default=7)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "created_at"]
        indexes = [models.Index(fields=["organization", "metric_type", "is_active"], name="prod_rule_type")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.condition == AlertCondition.THRESHOLD and self.threshold is None:
            raise ValidationError({"threshold": "A threshold rule needs a threshold."})
        if self.condition == AlertCondition.DEVIATION and not self.deviations:
            raise ValidationError({"deviations": "A deviation rule needs a number of standard deviations."})
        if self.team_id and self.user_id:
            raise ValidationError({"team_id": "A rule watches a team or a user, not both."})


class ProductivityAlert(OrganizationScopedModel):
    """A rule that fired for one window. One row per (rule, window): a spike fires once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    rule_name = models.CharField(max_length=200)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    metric_type = models.CharField(max_length=100)
    metric_value = models.FloatField()
    threshold = models.FloatField()
    baseline_mean = models.FloatField(null=True, blank=True)
    baseline_stddev = models.FloatField(null=True, blank=True)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    affected_users = models.JSONField(default=list, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "window_start"], name="prod_alert_once_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.rule_name}: {self.metric_value} vs {self.threshold}"


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


class ReportType(models.TextChoices):
    PRODUCTIVITY = "productivity", "Productivity metrics"
    AGENTS = "agents", "AI-agent executions"
    TEAMS = "teams", "Team comparison"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ReportExport(OrganizationScopedModel):
    """An export job: its state is what GET reports/{id} shows."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    format = models.CharField(max_length=8, choices=ReportFormat.choices)
    report_type = models.CharField(max_length=16, choices=ReportType.choices)
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=300, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.report_type} {self.format} ({self.status})"
