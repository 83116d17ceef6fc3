"""Routes under /api/v1/: ai-providers/* and ai/changelog (ai/chat and ai/enhance are in metrics)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from ai.views import (
    AIChangeLogViewSet,
    ProviderConfigurationViewSet,
    ProviderDetailView,
    ProviderListView,
    ProviderModelsView,
    ProviderStatusView,
)

router = SimpleRouter(trailing_slash=False)
router.register("ai-providers/configurations", ProviderConfigurationViewSet, basename="ai-configurations")
router.register("ai/changelog", AIChangeLogViewSet, basename="ai-changelog")

urlpatterns = [
    *router.urls,
    path("ai-providers", ProviderListView.as_view(), name="ai-providers"),
    path("ai-providers/status", ProviderStatusView.as_view(), name="ai-providers-status"),
    path("ai-providers/<str:provider_code>", ProviderDetailView.as_view(), name="ai-provider"),
    path("ai-providers/<str:provider_code>/models", ProviderModelsView.as_view(), name="ai-provider-models"),
]
