"""Routes of onboarding and agent enrollment under /api/v1/."""

from django.urls import path

from incidents.onboarding import views

urlpatterns = [
    path(
        "onboarding/generate-agent-token",
        views.GenerateAgentTokenView.as_view(),
        name="onboarding-agent-token",
    ),
    path("onboarding/enrolled-agents", views.EnrolledAgentsView.as_view(), name="onboarding-enrolled-agents"),
    path(
        "onboarding/verify-agent-access/<uuid:enrollment_id>",
        views.VerifyAgentView.as_view(),
        name="onboarding-verify-agent",
    ),
    path("onboarding/verify-all-agents", views.VerifyAllAgentsView.as_view(), name="onboarding-verify-all"),
    path("agents/enroll", views.EnrollView.as_view(), name="agents-enroll"),
    path("agents/heartbeat", views.HeartbeatView.as_view(), name="agents-heartbeat"),
]
