"""Routes under /api/v1/: seed B's webhooks/* and seed C's mcp/hooks/register."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from realtime.views import (
    McpHookViewSet,
    WebhookEventTypesView,
    WebhookSubscriptionViewSet,
    WebhookTestViewSet,
)

router = SimpleRouter(trailing_slash=False)
router.register("webhooks/subscriptions", WebhookSubscriptionViewSet, basename="webhook-subscriptions")

urlpatterns = [
    path("webhooks/test", WebhookTestViewSet.as_view({"post": "create"}), name="webhooks-test"),
    path("webhooks/events", WebhookEventTypesView.as_view(), name="webhooks-events"),
    path("mcp/hooks/register", McpHookViewSet.as_view({"post": "create"}), name="mcp-hooks-register"),
    *router.urls,
]
