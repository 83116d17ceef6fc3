"""Routes under /api/v1/ for seed A's metrics, scores, catalogs, csf, frameworks, ai/chat|enhance and demo."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from metrics.views import assistant, demo_mode, frameworks, scores
from metrics.views.catalogs import CatalogViewSet
from metrics.views.metrics import MetricViewSet

router = SimpleRouter(trailing_slash=False)
router.register("metrics", MetricViewSet, basename="metrics")
router.register("catalogs", CatalogViewSet, basename="catalogs")

urlpatterns = [
    *router.urls,
    path("scores/overview", scores.ScoresOverviewView.as_view(), name="scores-overview"),
    path("scores/functions/<str:function_code>", scores.FunctionScoresView.as_view(), name="scores-function"),
    path("scores/categories", scores.CategoryScoresView.as_view(), name="scores-categories"),
    path("ai/chat", assistant.ChatView.as_view(), name="ai-chat"),
    path("ai/enhance", assistant.EnhanceView.as_view(), name="ai-enhance"),
    path("csf/functions", frameworks.CsfFunctionsView.as_view(), name="csf-functions"),
    path("csf/categories", frameworks.CsfCategoriesView.as_view(), name="csf-categories"),
    path("csf/subcategories", frameworks.CsfSubcategoriesView.as_view(), name="csf-subcategories"),
    path("csf/validate", frameworks.CsfValidateView.as_view(), name="csf-validate"),
    path("frameworks", frameworks.FrameworkListView.as_view(), name="frameworks"),
    path("frameworks/<str:framework_id>", frameworks.FrameworkDetailView.as_view(), name="framework"),
    path(
        "frameworks/<str:framework_id>/functions",
        frameworks.FrameworkFunctionsView.as_view(),
        name="framework-functions",
    ),
    path(
        "frameworks/<str:framework_id>/functions/<str:function_code>/categories",
        frameworks.FrameworkCategoriesView.as_view(),
        name="framework-function-categories",
    ),
    path("demo/session", demo_mode.DemoSessionCreateView.as_view(), name="demo-session"),
    path(
        "demo/session/<str:session_id>/start",
        demo_mode.DemoSessionStartView.as_view(),
        name="demo-session-start",
    ),
    path("demo/metrics", demo_mode.DemoMetricsView.as_view(), name="demo-metrics"),
    path("demo/ai/chat-status", demo_mode.DemoChatStatusView.as_view(), name="demo-chat-status"),
    path("demo/ai/guided-chat", demo_mode.DemoGuidedChatView.as_view(), name="demo-guided-chat"),
    path("demo/ai/quota", demo_mode.DemoQuotaView.as_view(), name="demo-quota"),
    path("", include("metrics.productivity.urls")),
]
