"""Action executions (and the agent commands they queue), containment, workflows/playbooks, tickets."""

import uuid

from django.conf import settings
from django.db import models

from organizations.tenancy import OrganizationScopedModel


class ExecutionStatus(models.TextChoices):
    QUEUED = "queued", "Queued for an agent"
    SENT = "sent", "Sent to the agent"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired without a result"


FINISHED = (ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED, ExecutionStatus.EXPIRED)


class ActionExecution(OrganizationScopedModel):
    """One run of a registered action. For agent actions it is also the agent's command."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    action = models.CharField(max_length=40)
    category = models.CharField(max_length=20)
    params = models.JSONField(default=dict, blank=True)
    executor = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=ExecutionStatus.choices, default=ExecutionStatus.QUEUED)
    dry_run = models.BooleanField(default=False)
    agent = models.ForeignKey(
        "onboarding.EnrolledAgent", null=True, blank=True, on_delete=models.SET_NULL, related_name="commands"
    )
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    step = models.ForeignKey(
        "response.WorkflowStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="executions"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=120, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="execution_idempotency_per_org",
            )
        ]
        indexes = [models.Index(fields=["agent", "status"], name="execution_agent_queue")]

    def __str__(self) -> str:
        return f"{self.action} ({self.status})"

    @property
    def duration_ms(self) -> int | None:
        if self.completed_at is None:
            return None
        return int((self.completed_at - self.created_at).total_seconds() * 1000)


class ContainmentKind(models.TextChoices):
    IP_BLOCK = "ip_block", "IP block"
    HOST_ISOLATION = "host_isolation", "Host isolation"


class ContainmentStatus(models.TextChoices):
    PENDING = "pending", "Pending (command queued)"
    ACTIVE = "active", "Active"
    RELEASING = "releasing", "Being released"
    RELEASED = "released", "Released"
    FAILED = "failed", "Failed"


class Containment(OrganizationScopedModel):
    """A block or isolation in force (or on its way), with its TTL and scheduled undo."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=ContainmentKind.choices)
    target = models.CharField(max_length=255, help_text="The IP address or hostname contained.")
    status = models.CharField(
        max_length=10, choices=ContainmentStatus.choices, default=ContainmentStatus.PENDING
    )
    dry_run = models.BooleanField(default=False)
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    execution = models.ForeignKey(ActionExecution, on_delete=models.CASCADE, related_name="containments")
    release_execution = models.ForeignKey(
        ActionExecution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "kind", "target"], name="containment_target")]

    def __str__(self) -> str:
        return f"{self.kind} {self.target} ({self.status})"


class ScheduleStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ReleaseSchedule(OrganizationScopedModel):
    """The undo of a containment at a time: a row, so a restart re-enqueues it (see tasks)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    containment = models.ForeignKey(Containment, on_delete=models.CASCADE, related_name="schedules")
    run_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=ScheduleStatus.choices, default=ScheduleStatus.PENDING)
    executed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["run_at"]

    def __str__(self) -> str:
        return f"release {self.containment_id} at {self.run_at:%Y-%m-%d %H:%M}"


class WorkflowOrigin(models.TextChoices):
    GENERATED = "generated", "Generated from a threat"
    MANUAL = "manual", "Created by hand"
    AI = "ai", "From an incident's AI analysis"
    TRIGGER = "trigger", "Fired by a trigger"
    ORCHESTRATOR = "orchestrator", "Planned by the orchestrator from a goal"
    SECRET = "secret", "Opened for an exposed secret"


class WorkflowStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "Waiting for approval"
    READY = "ready", "Ready to execute"
    EXECUTING = "executing", "Executing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    REJECTED = "rejected", "Rejected"


WORKFLOW_FINISHED = (
    WorkflowStatus.COMPLETED,
    WorkflowStatus.FAILED,
    WorkflowStatus.CANCELLED,
    WorkflowStatus.REJECTED,
)


class ApprovalStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", "Not required"
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


class Workflow(OrganizationScopedModel):
    """A playbook (seed D) or response workflow (seed B): ordered steps, an approval gate, a run."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    human_id = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    origin = models.CharField(max_length=12, choices=WorkflowOrigin.choices, default=WorkflowOrigin.MANUAL)
    threat = models.ForeignKey(
        "incidents.Threat", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=WorkflowStatus.choices, default=WorkflowStatus.READY)
    dry_run = models.BooleanField(default=False)
    approval_status = models.CharField(
        max_length=12, choices=ApprovalStatus.choices, default=ApprovalStatus.NOT_REQUIRED
    )
    approval_expires_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_comment = models.TextField(blank=True)
    required_approvals = models.PositiveSmallIntegerField(
        default=1, help_text="2 when the blast-radius guard asks for a second, different approver."
    )
    blast_radius = models.PositiveIntegerField(
        default=0, help_text="Distinct hosts/addresses the workflow's agent actions touch."
    )
    goal = models.TextField(blank=True, help_text="The orchestrator's natural-language goal.")
    plan = models.JSONField(default=dict, blank=True, help_text="The orchestrator's plan of stages.")
    estimated_success = models.FloatField(default=0.0)
    actual_success = models.FloatField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)
    skipped_recommendations = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "human_id"], name="workflow_human_id_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.human_id} {self.name}"


class OnFailure(models.TextChoices):
    STOP = "stop", "Fail the workflow"
    CONTINUE = "continue", "Go on with the next step"


class StepStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    CANCELLED = "cancelled", "Cancelled"


class WorkflowStep(OrganizationScopedModel):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    on_failure = models.CharField(max_length=10, choices=OnFailure.choices, default=OnFailure.STOP)
    max_retries = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.TextField(blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["workflow", "order"]
        constraints = [models.UniqueConstraint(fields=["workflow", "order"], name="workflow_step_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.action}"


class Ticket(OrganizationScopedModel):
    """A follow-up ticket opened by the create_ticket action."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    priority = models.CharField(max_length=10, default="medium")
    status = models.CharField(max_length=10, default="open")
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    execution = models.OneToOneField(ActionExecution, on_delete=models.CASCADE, related_name="ticket")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class TriggerStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    ARCHIVED = "archived", "Archived"


class Trigger(OrganizationScopedModel):
    """A condition over incidents (see services.triggers for its language) that runs a workflow."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=TriggerStatus.choices, default=TriggerStatus.ACTIVE)
    condition = models.JSONField()
    steps = models.JSONField(help_text="The workflow to run: [{action, params, on_failure?, max_retries?}].")
    auto_execute = models.BooleanField(
        default=False, help_text="Run at once (approval still applies to actions that need it)."
    )
    cooldown_seconds = models.PositiveIntegerField(default=300)
    max_fires_per_hour = models.PositiveIntegerField(default=10)
    priority = models.PositiveSmallIntegerField(default=100)
    fire_count = models.PositiveIntegerField(default=0)
    evaluation_count = models.PositiveIntegerField(default=0)
    last_fired_at = models.DateTimeField(null=True, blank=True)
    last_evaluated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["priority", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="trigger_name_per_org")]

    def __str__(self) -> str:
        return self.name


class FiringOutcome(models.TextChoices):
    FIRED = "fired", "Fired"
    COOLDOWN = "cooldown", "Suppressed by cooldown"
    RATE_LIMITED = "rate_limited", "Suppressed by rate limit"
    FAILED = "failed", "Failed to create the workflow"


class TriggerFiring(OrganizationScopedModel):
    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="firings")
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=FiringOutcome.choices)
    workflow = models.ForeignKey(Workflow, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["trigger", "incident"],
                condition=models.Q(outcome="fired"),
                name="trigger_fires_once_per_incident",
            )
        ]

    def __str__(self) -> str:
        return f"{self.trigger_id} {self.outcome}"


class ApprovalVia(models.TextChoices):
    API = "api", "The API or console"
    LINK = "link", "A signed approval link"


class ApprovalDecision(OrganizationScopedModel):
    """One person's answer to a workflow's approval request (two when the blast radius is large)."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="decisions")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approver_email = models.EmailField(blank=True)
    approved = models.BooleanField()
    comment = models.TextField(blank=True)
    via = models.CharField(max_length=4, choices=ApprovalVia.choices, default=ApprovalVia.API)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.approver_email} {'approved' if self.approved else 'rejected'} {self.workflow_id}"


class LinkDecision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"


class ApprovalLink(OrganizationScopedModel):
    """A one-time signed approve or reject link for one named approver (email and webhook)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="approval_links")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=7, choices=LinkDecision.choices)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["workflow", "approver"], name="approval_link_approver")]

    def __str__(self) -> str:
        return f"{self.decision} {self.workflow_id} for {self.approver_id}"


class PipelineStage(models.TextChoices):
    DETECTOR = "detector", "Detector (detection)"
    ANALYZER = "analyzer", "Analyzer (AI analysis)"
    EXECUTOR = "executor", "Executor (playbook execution)"


class RunStatus(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (below threshold or disabled)"


class PipelineStageConfig(OrganizationScopedModel):
    """An organization's settings of one pipeline stage (POST agents/{name}/configure)."""

    stage = models.CharField(max_length=10, choices=PipelineStage.choices)
    enabled = models.BooleanField(default=True)
    threshold = models.FloatField(default=0.0)
    timeout = models.PositiveIntegerField(null=True, blank=True, help_text="Seconds; the default else.")
    retry_attempts = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["stage"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "stage"], name="pipeline_stage_per_org")
        ]

    def __str__(self) -> str:
        return self.stage


class PipelineRun(OrganizationScopedModel):
    """One run of a pipeline stage on one subject (an incident, a workflow step)."""

    stage = models.CharField(max_length=10, choices=PipelineStage.choices)
    status = models.CharField(max_length=10, choices=RunStatus.choices)
    subject = models.CharField(max_length=80, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "stage", "created_at"], name="pipeline_run_day")]

    def __str__(self) -> str:
        return f"{self.stage} {self.status}"


class SecretExposure(OrganizationScopedModel):
    """A secret_exposed finding and the incident and rotate-credential playbook opened for it."""

    finding_id = models.UUIDField()
    scan_id = models.UUIDField(null=True, blank=True)
    rule_id = models.CharField(max_length=100)
    severity = models.CharField(max_length=10)
    file_path = models.CharField(max_length=500, blank=True)
    fingerprint = models.CharField(max_length=64)
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    threat = models.ForeignKey(
        "incidents.Threat", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    workflow = models.ForeignKey(Workflow, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "finding_id"], name="secret_exposure_per_finding")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.finding_id}"


class RotationRequest(OrganizationScopedModel):
    """The rotate_credential action's record: which credential must be rotated, and who was told."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    execution = models.OneToOneField(ActionExecution, on_delete=models.CASCADE, related_name="rotation")
    finding_id = models.CharField(max_length=64, blank=True)
    credential = models.CharField(max_length=200, help_text="What to rotate (rule / kind of secret).")
    location = models.CharField(max_length=500, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    notified = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, default="requested")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"rotate {self.credential}"


class ResponseSettings(OrganizationScopedModel):
    """Per-organization guards of the response engine."""

    blast_radius_max_hosts = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="More hosts than this (or all agents) need a second approver; the setting if empty.",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="response_settings_per_org")]

    def __str__(self) -> str:
        return f"response settings {self.organization_id}"
