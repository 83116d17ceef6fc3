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
