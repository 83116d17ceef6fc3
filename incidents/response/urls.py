"""Routes of the response app under /api/v1/ (seed B response/*, containment, triggers; seed D playbooks)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from incidents.response import views

router = SimpleRouter(trailing_slash=False)
router.register("response/workflows", views.WorkflowViewSet, basename="response-workflows")
router.register("playbooks", views.PlaybookViewSet, basename="playbooks")
router.register("triggers", views.TriggerViewSet, basename="triggers")
router.register(
    "orchestrator/workflows", views.OrchestratorWorkflowViewSet, basename="orchestrator-workflows"
)

INCIDENT = "incidents/<str:id>"

urlpatterns = [
    path("response/actions", views.ActionListView.as_view(), name="response-actions"),
    path("response/actions/execute", views.ActionExecuteView.as_view(), name="response-actions-execute"),
    path("response/metrics/impact", views.ImpactView.as_view(), name="response-impact"),
    path(f"{INCIDENT}/contain", views.ContainView.as_view(), name="incident-contain"),
    path(f"{INCIDENT}/actions/block-ip", views.BlockIpView.as_view(), name="incident-block-ip"),
    path(f"{INCIDENT}/actions/isolate-host", views.IsolateHostView.as_view(), name="incident-isolate-host"),
    path(
        f"{INCIDENT}/actions/reset-passwords",
        views.ResetPasswordsView.as_view(),
        name="incident-reset-passwords",
    ),
    path(
        f"{INCIDENT}/schedule_unblock", views.ScheduleUnblockView.as_view(), name="incident-schedule-unblock"
    ),
    path(f"{INCIDENT}/block-status", views.BlockStatusView.as_view(), name="incident-block-status"),
    path(
        f"{INCIDENT}/isolation-status", views.IsolationStatusView.as_view(), name="incident-isolation-status"
    ),
    path(
        f"{INCIDENT}/execute-ai-recommendation", views.AiRecommendationView.as_view(), name="incident-ai-step"
    ),
    path(f"{INCIDENT}/execute-ai-plan", views.AiPlanView.as_view(), name="incident-ai-plan"),
    path("agents/commands", views.AgentCommandsView.as_view(), name="agent-commands"),
    path(
        "agents/commands/<uuid:id>/result",
        views.AgentCommandResultView.as_view(),
        name="agent-command-result",
    ),
    path("agents/status", views.AgentsStatusView.as_view(), name="agents-status"),
    path("agents/<str:agent_name>/configure", views.AgentConfigureView.as_view(), name="agents-configure"),
    path("agents/orchestrate", views.OrchestrateView.as_view(), name="agents-orchestrate"),
    path("orchestrator/status", views.OrchestratorStatusView.as_view(), name="orchestrator-status"),
    path("response/approvals/<str:token>", views.ApprovalLinkView.as_view(), name="response-approval-link"),
    *router.urls,
]
