"""Routes of onboarding and agent enrollment under /api/v1/."""

from django.urls import path

from incidents.onboarding import session_views, views

urlpatterns = [
    path("onboarding/start", session_views.StartView.as_view(), name="onboarding-start"),
    path("onboarding/status", session_views.StatusView.as_view(), name="onboarding-status"),
    path("onboarding/profile", session_views.ProfileView.as_view(), name="onboarding-profile"),
    path("onboarding/permissions", session_views.PermissionsView.as_view(), name="onboarding-permissions"),
    path("onboarding/network-scan", session_views.NetworkScanView.as_view(), name="onboarding-network-scan"),
    path("onboarding/scan-results", session_views.ScanResultsView.as_view(), name="onboarding-scan-results"),
    path(
        "onboarding/scan-results/<uuid:asset_id>",
        session_views.ScanResultView.as_view(),
        name="onboarding-scan-result",
    ),
    path(
        "onboarding/generate-deployment-plan",
        session_views.DeploymentPlanView.as_view(),
        name="onboarding-deployment-plan",
    ),
    path("onboarding/validation", session_views.ValidationView.as_view(), name="onboarding-validation"),
    path("onboarding/complete", session_views.CompleteView.as_view(), name="onboarding-complete"),
    path("onboarding/skip", session_views.SkipView.as_view(), name="onboarding-skip"),
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
