from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts import views

router = SimpleRouter(trailing_slash=False)
router.register("users", views.UserViewSet, basename="users")
router.register("auth/users", views.AdminUserViewSet, basename="auth-users")
router.register("auth/invites", views.InviteViewSet, basename="auth-invites")

invite_create = views.InviteViewSet.as_view({"post": "create"})
reset_password = views.ResetPasswordViewSet.as_view({"post": "create"})

urlpatterns = [
    path("auth/status", views.AuthStatusView.as_view(), name="auth-status"),
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/refresh", views.RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/me", views.MeView.as_view(), name="auth-me"),
    path("auth/validate", views.ValidateView.as_view(), name="auth-validate"),
    path("auth/change-password", views.ChangePasswordView.as_view(), name="auth-change-password"),
    path("auth/switch-organization", views.SwitchOrganizationView.as_view(), name="auth-switch-organization"),
    path(
        "auth/recovery-questions/<str:email>",
        views.RecoveryQuestionsView.as_view(),
        name="auth-recovery-questions",
    ),
    path("auth/recover-with-key", views.RecoverWithKeyView.as_view(), name="auth-recover-with-key"),
    path(
        "auth/recover-with-questions",
        views.RecoverWithQuestionsView.as_view(),
        name="auth-recover-with-questions",
    ),
    path("auth/invite", invite_create, name="auth-invite"),
    path("auth/invites/accept", views.InviteAcceptView.as_view(), name="auth-invite-accept"),
    path("auth/reset-password/<str:user_id>", reset_password, name="auth-reset-password"),
    *router.urls,
]
