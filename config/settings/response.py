"""Response and automation (incidents.response) and agent onboarding (incidents.onboarding)."""

from typing import cast

from config.env import env
from config.settings.api import SPECTACULAR_SETTINGS

# An agent enrollment token is single use and expires after this many seconds.
AGENT_ENROLLMENT_TOKEN_TTL_SECONDS = env.int("AGENT_ENROLLMENT_TOKEN_TTL_SECONDS", default=24 * 3600)
# An agent counts as online (able to take commands, verified) with a heartbeat this recent.
AGENT_ONLINE_SECONDS = env.int("AGENT_ONLINE_SECONDS", default=300)
# A queued agent command not reported within this many seconds is expired (and its action fails).
AGENT_COMMAND_TTL_SECONDS = env.int("AGENT_COMMAND_TTL_SECONDS", default=900)
# Containment without an explicit duration is undone after this many seconds (every block has a TTL).
RESPONSE_DEFAULT_CONTAINMENT_SECONDS = env.int("RESPONSE_DEFAULT_CONTAINMENT_SECONDS", default=24 * 3600)
# A workflow step that fails is retried this many times by default before its on-failure policy applies.
RESPONSE_STEP_MAX_RETRIES = env.int("RESPONSE_STEP_MAX_RETRIES", default=1)
# Seconds between a failed step and its retry.
RESPONSE_STEP_RETRY_DELAY_SECONDS = env.int("RESPONSE_STEP_RETRY_DELAY_SECONDS", default=5)
# A playbook waiting for approval longer than this is decided by RESPONSE_APPROVAL_EXPIRY_POLICY.
RESPONSE_APPROVAL_TIMEOUT_SECONDS = env.int("RESPONSE_APPROVAL_TIMEOUT_SECONDS", default=24 * 3600)
RESPONSE_APPROVAL_EXPIRY_POLICY = env.str("RESPONSE_APPROVAL_EXPIRY_POLICY", default="deny")
# Approval links (email, webhook) are signed with this salt and used once; they expire with the request.
RESPONSE_APPROVAL_LINK_SALT = "response.approval-link"
# An action on more hosts than this (or on all agents) needs a second, different approver.
# Per organization: ResponseSettings.blast_radius_max_hosts overrides it.
RESPONSE_BLAST_RADIUS_MAX_HOSTS = env.int("RESPONSE_BLAST_RADIUS_MAX_HOSTS", default=5)
# Pipeline stages (agents/status): defaults a stage uses until POST agents/{name}/configure sets them.
RESPONSE_PIPELINE_ANALYZER_THRESHOLD = env.float("RESPONSE_PIPELINE_ANALYZER_THRESHOLD", default=0.6)

# OpenAPI: stable enum names for this app's choice fields (updated in place, as incidents.py does).
_ENUMS = cast(dict[str, str], SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}))
_ENUMS.update(
    {
        "ActionExecutionStatusEnum": "incidents.response.models.ExecutionStatus",
        "ContainmentStatusEnum": "incidents.response.models.ContainmentStatus",
        "ContainmentKindEnum": "incidents.response.models.ContainmentKind",
        "WorkflowStatusEnum": "incidents.response.models.WorkflowStatus",
        "WorkflowOriginEnum": "incidents.response.models.WorkflowOrigin",
        "WorkflowApprovalStatusEnum": "incidents.response.models.ApprovalStatus",
        "WorkflowStepStatusEnum": "incidents.response.models.StepStatus",
        "StepOnFailureEnum": "incidents.response.models.OnFailure",
        "TriggerStatusEnum": "incidents.response.models.TriggerStatus",
        "TriggerFiringOutcomeEnum": "incidents.response.models.FiringOutcome",
        "EnrolledAgentStatusEnum": "incidents.onboarding.models.AgentStatus",
        # Named here because WorkflowOrigin made `origin` ambiguous for the detection rules' field.
        "RuleOriginEnum": "incidents.detection.models.RuleOrigin",
    }
)

# A task a killed worker held (acks_late) goes back to the queue after the broker's visibility
# timeout (Redis transport; kombu's default is an hour). Set it shorter to redeliver sooner, e.g.
# the worker-kill integration test runs its workers with CELERY_VISIBILITY_TIMEOUT=5.
_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=0)
if _VISIBILITY_TIMEOUT:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _VISIBILITY_TIMEOUT}
