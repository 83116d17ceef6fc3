"""Input and output serializers of the response API (separate, fields listed)."""

from rest_framework import serializers

from incidents.response.models import (
    ActionExecution,
    Containment,
    LinkDecision,
    OnFailure,
    PipelineStage,
    PipelineStageConfig,
    Trigger,
    TriggerFiring,
    Workflow,
    WorkflowStep,
)


class ActionSpecOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    category = serializers.CharField()
    description = serializers.CharField()
    executor = serializers.ChoiceField(choices=["agent", "platform"])
    requires_approval = serializers.BooleanField()
    reverse = serializers.CharField(allow_null=True)
    aliases = serializers.ListField(child=serializers.CharField())
    params_schema = serializers.JSONField()


class ActionCategoryOutputSerializer(serializers.Serializer):
    category = serializers.CharField()
    actions = ActionSpecOutputSerializer(many=True)


class ActionExecuteInputSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=40)
    params = serializers.DictField(required=False, default=dict)
    incident_id = serializers.CharField(max_length=64, required=False, help_text="UUID or INC-YYYY-NNNN")
    dry_run = serializers.BooleanField(default=False)


class ExecutionOutputSerializer(serializers.ModelSerializer):
    agent_id = serializers.UUIDField(allow_null=True, read_only=True)
    agent_hostname = serializers.CharField(source="agent.hostname", allow_null=True, default=None)
    incident_id = serializers.CharField(source="incident.human_id", allow_null=True, default=None)
    duration_ms = serializers.IntegerField(allow_null=True)

    class Meta:
        model = ActionExecution
        fields = [
            "id",
            "action",
            "category",
            "params",
            "executor",
            "status",
            "dry_run",
            "agent_id",
            "agent_hostname",
            "incident_id",
            "result",
            "error",
            "created_at",
            "sent_at",
            "completed_at",
            "expires_at",
            "duration_ms",
        ]


class ContainmentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Containment
        fields = [
            "id",
            "kind",
            "target",
            "status",
            "dry_run",
            "activated_at",
            "expires_at",
            "released_at",
            "created_at",
        ]


class ContainInputSerializer(serializers.Serializer):
    duration_seconds = serializers.IntegerField(min_value=60, max_value=30 * 24 * 3600, required=False)
    duration_minutes = serializers.IntegerField(
        min_value=1, max_value=30 * 24 * 60, required=False, help_text="Alias of duration_seconds / 60."
    )
    dry_run = serializers.BooleanField(default=False)

    def validate(self, attrs):
        minutes = attrs.pop("duration_minutes", None)
        if minutes and "duration_seconds" not in attrs:
            attrs["duration_seconds"] = max(60, minutes * 60)
        return attrs


class BlockIpInputSerializer(ContainInputSerializer):
    ip = serializers.IPAddressField(required=False, help_text="Defaults to the incident's source IP.")
    agent_id = serializers.UUIDField(required=False)


class IsolateHostInputSerializer(serializers.Serializer):
    host = serializers.CharField(max_length=255)
    duration_seconds = serializers.IntegerField(min_value=60, max_value=30 * 24 * 3600, required=False)
    dry_run = serializers.BooleanField(default=False)


class ResetPasswordsInputSerializer(serializers.Serializer):
    users = serializers.ListField(child=serializers.CharField(max_length=200), min_length=1, max_length=100)
    host = serializers.CharField(max_length=255, required=False)
    dry_run = serializers.BooleanField(default=False)


class ContainmentResultOutputSerializer(serializers.Serializer):
    incident_id = serializers.CharField()
    execution = ExecutionOutputSerializer()
    containment = ContainmentOutputSerializer(allow_null=True)


class ScheduleUnblockInputSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=30 * 24 * 60, required=False)
    at = serializers.DateTimeField(required=False, help_text="When to unblock (UTC); or give minutes.")
    ip = serializers.IPAddressField(
        required=False, help_text="Which block; defaults to the incident's source."
    )

    def validate(self, attrs):
        if ("minutes" in attrs) == ("at" in attrs):
            raise serializers.ValidationError("Give either minutes or at.")
        return attrs


class ScheduleOutputSerializer(serializers.Serializer):
    schedule_id = serializers.UUIDField()
    containment_id = serializers.UUIDField()
    target = serializers.CharField()
    run_at = serializers.DateTimeField()
    status = serializers.CharField()


class BlockStatusOutputSerializer(serializers.Serializer):
    incident_id = serializers.CharField()
    target = serializers.CharField(allow_null=True)
    blocked = serializers.BooleanField(help_text="For isolation-status: isolated.")
    status = serializers.CharField(allow_null=True)
    dry_run = serializers.BooleanField()
    agent_hostname = serializers.CharField(allow_null=True)
    activated_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    release_scheduled_at = serializers.DateTimeField(allow_null=True)
    history = ContainmentOutputSerializer(many=True)


class StepInputSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=40)
    params = serializers.DictField(required=False, default=dict)
    on_failure = serializers.ChoiceField(choices=OnFailure.choices, default=OnFailure.STOP)
    max_retries = serializers.IntegerField(min_value=0, max_value=5, required=False)


class WorkflowCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    steps = StepInputSerializer(many=True, allow_empty=False)
    incident_id = serializers.CharField(max_length=64, required=False)
    threat_id = serializers.CharField(max_length=64, required=False, help_text="THR-YYYY-NNNN")
    dry_run = serializers.BooleanField(default=False)
    execute = serializers.BooleanField(default=False, help_text="Start at once when no approval is needed.")


class WorkflowExecuteInputSerializer(serializers.Serializer):
    workflow_id = serializers.CharField(max_length=64, help_text="UUID or PB-YYYY-NNNN")


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class StepOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkflowStep
        fields = [
            "order",
            "action",
            "params",
            "on_failure",
            "max_retries",
            "status",
            "attempts",
            "result",
            "error",
            "started_at",
            "finished_at",
            "duration_ms",
        ]


class WorkflowOutputSerializer(serializers.ModelSerializer):
    threat_id = serializers.CharField(source="threat.human_id", allow_null=True, default=None)
    incident_id = serializers.CharField(source="incident.human_id", allow_null=True, default=None)
    approved_by = serializers.EmailField(source="approved_by.email", allow_null=True, default=None)
    steps = serializers.IntegerField(source="step_count", read_only=True)

    class Meta:
        model = Workflow
        fields = [
            "id",
            "human_id",
            "name",
            "origin",
            "threat_id",
            "incident_id",
            "status",
            "approval_status",
            "approved_by",
            "approved_at",
            "steps",
            "estimated_success",
            "actual_success",
            "dry_run",
            "created_at",
            "started_at",
            "completed_at",
        ]


class WorkflowDetailOutputSerializer(serializers.ModelSerializer):
    threat_id = serializers.CharField(source="threat.human_id", allow_null=True, default=None)
    incident_id = serializers.CharField(source="incident.human_id", allow_null=True, default=None)
    approved_by = serializers.EmailField(source="approved_by.email", allow_null=True, default=None)
    steps = StepOutputSerializer(many=True)

    class Meta:
        model = Workflow
        fields = [
            "id",
            "human_id",
            "name",
            "description",
            "origin",
            "threat_id",
            "incident_id",
            "status",
            "approval_status",
            "approval_expires_at",
            "approved_by",
            "approved_at",
            "approval_comment",
            "required_approvals",
            "blast_radius",
            "steps",
            "estimated_success",
            "actual_success",
            "failure_reason",
            "skipped_recommendations",
            "dry_run",
            "created_at",
            "started_at",
            "completed_at",
            "cancelled_at",
        ]


class WorkflowStatusOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    human_id = serializers.CharField()
    status = serializers.CharField()
    approval_status = serializers.CharField()
    progress = serializers.FloatField(help_text="Share of steps finished (0-1).")
    current_step = serializers.IntegerField(allow_null=True)
    steps_total = serializers.IntegerField()
    steps_done = serializers.ListField(child=serializers.IntegerField())
    failure_reason = serializers.CharField(allow_blank=True)
    steps = StepOutputSerializer(many=True)


class ApproveInputSerializer(serializers.Serializer):
    approved = serializers.BooleanField()
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ApproveOutputSerializer(serializers.Serializer):
    playbook_id = serializers.CharField()
    status = serializers.CharField()
    approval_status = serializers.CharField()
    approvals = serializers.IntegerField(help_text="Approvals recorded so far.")
    required_approvals = serializers.IntegerField(help_text="2 past the blast-radius limit.")
    approved_by = serializers.EmailField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)


class ImpactOutputSerializer(serializers.Serializer):
    window_days = serializers.IntegerField()
    actions_total = serializers.IntegerField()
    actions_by_status = serializers.DictField(child=serializers.IntegerField())
    actions_by_category = serializers.DictField(child=serializers.IntegerField())
    action_success_rate = serializers.FloatField(allow_null=True)
    avg_action_duration_ms = serializers.IntegerField(allow_null=True)
    workflows_total = serializers.IntegerField()
    workflows_by_status = serializers.DictField(child=serializers.IntegerField())
    active_blocks = serializers.IntegerField()
    isolated_hosts = serializers.IntegerField()
    released = serializers.IntegerField()


class AgentCommandOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionExecution
        fields = ["id", "action", "params", "created_at", "expires_at"]


class AgentCommandsOutputSerializer(serializers.Serializer):
    commands = AgentCommandOutputSerializer(many=True)


class CommandResultInputSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    output = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    simulated = serializers.BooleanField(default=False, help_text="The agent ran in dry-run mode.")


class TriggerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    condition = serializers.JSONField(help_text="See the condition language in the trigger docs.")
    steps = serializers.JSONField(help_text="[{action, params, on_failure?, max_retries?}]")
    auto_execute = serializers.BooleanField(default=False)
    cooldown_seconds = serializers.IntegerField(min_value=0, max_value=30 * 86400, default=300)
    max_fires_per_hour = serializers.IntegerField(min_value=1, max_value=1000, default=10)
    priority = serializers.IntegerField(min_value=0, max_value=1000, default=100)


class TriggerSettingsInputSerializer(serializers.Serializer):
    auto_execute = serializers.BooleanField(required=False)
    cooldown_seconds = serializers.IntegerField(min_value=0, max_value=30 * 86400, required=False)
    max_fires_per_hour = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    priority = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class TriggerOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Trigger
        fields = [
            "id",
            "name",
            "description",
            "status",
            "condition",
            "steps",
            "auto_execute",
            "cooldown_seconds",
            "max_fires_per_hour",
            "priority",
            "fire_count",
            "evaluation_count",
            "last_fired_at",
            "last_evaluated_at",
            "created_at",
            "updated_at",
        ]


class TriggerBulkInputSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=500)


class TriggerBulkOutputSerializer(serializers.Serializer):
    changed = serializers.IntegerField()
    status = serializers.CharField()


class SimulateInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=90, default=7)
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=200)


class SimulatedIncidentSerializer(serializers.Serializer):
    incident_id = serializers.CharField()
    severity = serializers.CharField()
    last_seen_at = serializers.DateTimeField()
    matched = serializers.BooleanField()
    outcome = serializers.ChoiceField(choices=["no_match", "would_fire", "cooldown", "rate_limited"])
    detail = serializers.CharField(allow_blank=True)


class SimulateOutputSerializer(serializers.Serializer):
    trigger_id = serializers.UUIDField()
    evaluated = serializers.IntegerField()
    matched = serializers.IntegerField()
    would_fire = serializers.IntegerField()
    results = SimulatedIncidentSerializer(many=True)


class TriggerSummaryOutputSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    active = serializers.IntegerField()
    paused = serializers.IntegerField()
    archived = serializers.IntegerField()
    evaluations = serializers.IntegerField()
    fires_total = serializers.IntegerField()
    last_24h = serializers.DictField(child=serializers.IntegerField())


class TriggerFiringOutputSerializer(serializers.ModelSerializer):
    incident_id = serializers.CharField(source="incident.human_id", allow_null=True, default=None)
    workflow_id = serializers.CharField(source="workflow.human_id", allow_null=True, default=None)

    class Meta:
        model = TriggerFiring
        fields = ["id", "incident_id", "outcome", "workflow_id", "detail", "created_at"]


class AgentStageOutputSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=PipelineStage.choices)
    status = serializers.CharField(help_text="active, or disabled by agents/{name}/configure")
    processed_today = serializers.IntegerField(help_text="Runs finished today (UTC), succeeded or failed.")
    avg_processing_time_ms = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True, help_text="Null before the day's first run.")


class AgentsStatusOutputSerializer(serializers.Serializer):
    agents = AgentStageOutputSerializer(many=True)


class AgentConfigureInputSerializer(serializers.Serializer):
    threshold = serializers.FloatField(
        min_value=0,
        max_value=1,
        required=False,
        help_text="detector/analyzer: the incident risk score (/100) from which they act; executor: "
        "the estimated success below which a workflow needs approval.",
    )
    timeout = serializers.IntegerField(
        min_value=1, max_value=7 * 24 * 3600, required=False, help_text="executor: seconds per agent step."
    )
    retry_attempts = serializers.IntegerField(
        min_value=0, max_value=10, required=False, help_text="executor: retries of a failed step."
    )
    enabled = serializers.BooleanField(required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                "Give at least one of threshold, timeout, retry_attempts, enabled."
            )
        return attrs


class AgentConfigOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="stage")

    class Meta:
        model = PipelineStageConfig
        fields = ["name", "enabled", "threshold", "timeout", "retry_attempts", "updated_at"]


class OrchestrateInputSerializer(serializers.Serializer):
    goal = serializers.CharField(max_length=2000, help_text="What to achieve, in plain words.")
    incident_id = serializers.CharField(
        max_length=64, required=False, help_text="The incident acted on (its source IP, accounts)."
    )
    dry_run = serializers.BooleanField(default=False)
    execute = serializers.BooleanField(default=True, help_text="Start at once when no approval is needed.")


class OrchestratedWorkflowOutputSerializer(WorkflowDetailOutputSerializer):
    class Meta(WorkflowDetailOutputSerializer.Meta):
        fields = [*WorkflowDetailOutputSerializer.Meta.fields, "goal", "plan"]


class WorkflowSummaryOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Workflow
        fields = ["id", "human_id", "name", "goal", "status", "approval_status", "created_at"]


class OrchestratorStatusOutputSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="active while one agent is enabled, disabled else")
    agents = AgentStageOutputSerializer(many=True)
    workflows_total = serializers.IntegerField()
    workflows_by_status = serializers.DictField(child=serializers.IntegerField())
    active_workflows = WorkflowSummaryOutputSerializer(many=True)


class ApprovalLinkStepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    action = serializers.CharField()
    params = serializers.DictField()


class ApprovalLinkOutputSerializer(serializers.Serializer):
    playbook_id = serializers.CharField()
    workflow_id = serializers.UUIDField()
    name = serializers.CharField()
    decision = serializers.ChoiceField(choices=LinkDecision.choices)
    approver = serializers.EmailField()
    usable = serializers.BooleanField(help_text="Whether POST would act now.")
    refusal = serializers.CharField(allow_blank=True, help_text="Why POST would be refused.")
    expires_at = serializers.DateTimeField()
    required_approvals = serializers.IntegerField()
    blast_radius = serializers.IntegerField()
    steps = ApprovalLinkStepSerializer(many=True)


class ApprovalLinkInputSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
