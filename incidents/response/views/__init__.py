"""Response API views, one module per surface; urls.py names them through this package."""

from incidents.response.views.actions import ActionExecuteView, ActionListView
from incidents.response.views.agents import AgentCommandResultView, AgentCommandsView
from incidents.response.views.approvals import ApprovalLinkView
from incidents.response.views.containment import (
    AiPlanView,
    AiRecommendationView,
    BlockIpView,
    BlockStatusView,
    ContainView,
    IsolateHostView,
    IsolationStatusView,
    ResetPasswordsView,
    ScheduleUnblockView,
)
from incidents.response.views.orchestrator import (
    AgentConfigureView,
    AgentsStatusView,
    OrchestrateView,
    OrchestratorStatusView,
    OrchestratorWorkflowViewSet,
)
from incidents.response.views.triggers import TriggerViewSet
from incidents.response.views.workflows import ImpactView, PlaybookViewSet, WorkflowViewSet

__all__ = [
    "ActionExecuteView",
    "ActionListView",
    "AgentCommandResultView",
    "AgentCommandsView",
    "AgentConfigureView",
    "AgentsStatusView",
    "AiPlanView",
    "AiRecommendationView",
    "ApprovalLinkView",
    "BlockIpView",
    "BlockStatusView",
    "ContainView",
    "ImpactView",
    "IsolateHostView",
    "IsolationStatusView",
    "OrchestrateView",
    "OrchestratorStatusView",
    "OrchestratorWorkflowViewSet",
    "PlaybookViewSet",
    "ResetPasswordsView",
    "ScheduleUnblockView",
    "TriggerViewSet",
    "WorkflowViewSet",
]
