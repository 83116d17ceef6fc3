"""Routes under /api/v1/ for billing (seed E's subscriptions)."""

from django.urls import path

from billing import views

urlpatterns = [
    path("subscriptions", views.SubscriptionView.as_view(), name="subscription"),
    path("subscriptions/upgrade", views.SubscriptionUpgradeView.as_view(), name="subscription-upgrade"),
    path("subscriptions/usage", views.SubscriptionUsageView.as_view(), name="subscription-usage"),
    path("subscriptions/plans", views.PlanListView.as_view(), name="subscription-plans"),
    path("subscriptions/stripe/webhook", views.StripeWebhookView.as_view(), name="stripe-webhook"),
]
