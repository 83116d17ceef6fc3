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


class OnboardingStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    SKIPPED = "skipped", "Skipped"


# What GET onboarding/status reports: a session's status, or not_started before there is one.
SESSION_STATES = [("not_started", "Not started"), *OnboardingStatus.choices]


class AssetCheck(models.TextChoices):
    """Validation's verdict on a planned host."""

    OK = "ok", "OK"
    MISSING = "missing", "Missing"


class StepStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


# The steps of onboarding, in the order the console walks them (profile and permissions may come
# in either order; the scan needs the network_discovery permission).
STEPS: tuple[tuple[str, str], ...] = (
    ("start", "Start onboarding"),
    ("profile", "Organization profile"),
    ("permissions", "Permissions"),
    ("network_scan", "Network discovery scan"),
    ("deployment_plan", "Agent deployment plan"),
    ("agent_enrollment", "Agent tokens and enrollment"),
    ("validation", "Validation"),
    ("complete", "Complete"),
)
STEP_KEYS = tuple(key for key, _title in STEPS)


def _initial_steps() -> dict:
    return {key: {"status": StepStatus.PENDING, "at": None} for key in STEP_KEYS}


class OnboardingSession(OrganizationScopedModel):
    """One organization's onboarding: where it stands on each step and what each step recorded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(
        max_length=12, choices=OnboardingStatus.choices, default=OnboardingStatus.IN_PROGRESS
    )
    steps = models.JSONField(default=_initial_steps, help_text="step -> {status, at, detail?}")
    profile = models.JSONField(default=dict, blank=True)
    permissions = models.JSONField(default=dict, blank=True)
    deployment_plan = models.JSONField(default=dict, blank=True)
    plan_version = models.PositiveIntegerField(default=0)
    plan_generated_at = models.DateTimeField(null=True, blank=True)
    validation = models.JSONField(default=dict, blank=True)
    validation_passed = models.BooleanField(default=False)
    validated_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    skipped_at = models.DateTimeField(null=True, blank=True)
    skipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    skip_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="onboarding_one_session_per_org"),
        ]

    def __str__(self) -> str:
        return f"onboarding of {self.organization_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == OnboardingStatus.IN_PROGRESS

    def step_status(self, key: str) -> str:
        return self.steps.get(key, {}).get("status", StepStatus.PENDING)

    def mark_step(self, key: str, status: str, *, at=None, detail: str = "") -> None:
        """Record a step's state (the caller saves); unknown steps are a programming error."""
        if key not in STEP_KEYS:
            raise ValueError(f"Unknown onboarding step {key!r}.")
        entry: dict = {"status": str(status), "at": at.isoformat() if at else None}
        if detail:
            entry["detail"] = detail
        self.steps = {**_initial_steps(), **self.steps, key: entry}

    def current_step(self) -> str | None:
        """The first step not done, in order; None once onboarding is over."""
        if not self.is_open:
            return None
        return next((key for key in STEP_KEYS if self.step_status(key) != StepStatus.DONE), None)


class NetworkScanStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class NetworkScan(OrganizationScopedModel):
    """A TCP connect scan of a small range, run as a Celery job; this row is its state."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(OnboardingSession, on_delete=models.CASCADE, related_name="scans")
    cidr = models.CharField(max_length=64)
    ports = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=NetworkScanStatus.choices, default=NetworkScanStatus.QUEUED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    addresses_scanned = models.PositiveIntegerField(default=0)
    hosts_up = models.PositiveIntegerField(default=0, help_text="Addresses with at least one open port.")
    open_ports = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    failure_reason = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"scan {self.cidr} ({self.status})"


class OsGuess(models.TextChoices):
    LINUX = "linux", "Linux / Unix"
    WINDOWS = "windows", "Windows"
    NETWORK_DEVICE = "network_device", "Network device"
    UNKNOWN = "unknown", "Unknown"


class DiscoveredAsset(OrganizationScopedModel):
    """A host a scan found with at least one open port; rescanning the address updates the row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    scan = models.ForeignKey(NetworkScan, on_delete=models.CASCADE, related_name="assets")
    ip = models.GenericIPAddressField()
    hostname = models.CharField(max_length=255, blank=True)
    os_guess = models.CharField(max_length=16, choices=OsGuess.choices, default=OsGuess.UNKNOWN)
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["ip"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "ip"], name="onboarding_asset_unique_ip"),
        ]

    def __str__(self) -> str:
        return self.hostname or self.ip


class DiscoveredService(OrganizationScopedModel):
    """An open port of a discovered asset, with the service guessed from the port and its banner."""

    asset = models.ForeignKey(DiscoveredAsset, on_delete=models.CASCADE, related_name="services")
    port = models.PositiveIntegerField()
    service = models.CharField(max_length=40)
    banner = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["port"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "port"], name="onboarding_service_unique_port"),
        ]

    def __str__(self) -> str:
        return f"{self.port}/{self.service}"
