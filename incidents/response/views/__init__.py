"""Response API views, one module per surface; urls.py names them through this package."""

from incidents.response.views.actions import ActionExecuteView, ActionListView
from incidents.response.views.agents import AgentCommandResultView, AgentCommandsView
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
from incidents.response.views.triggers import TriggerViewSet
from incidents.response.views.workflows import ImpactView, PlaybookViewSet, WorkflowViewSet

__all__ = [
    "ActionExecuteView",
    "ActionListView",
    "AgentCommandResultView",
    "AgentCommandsView",
    "AiPlanView",
    "AiRecommendationView",
    "BlockIpView",
    "BlockStatusView",
    "ContainView",
    "ImpactView",
    "IsolateHostView",
    "IsolationStatusView",
    "PlaybookViewSet",
    "ResetPasswordsView",
    "ScheduleUnblockView",
    "TriggerViewSet",
    "WorkflowViewSet",
]
