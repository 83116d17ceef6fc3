"""Writes of the billing domain, and the enforcement other apps call.

Contract for other apps: `quota_consume`, `usage_record`, `feature_require`, `plan_for`.
"""

from billing.services.plan_changes import PlanChange, subscription_change_plan
from billing.services.stripe_webhooks import WebhookResult, stripe_webhook_process
from billing.services.subscriptions import (
    FEATURES,
    effective_plan,
    feature_require,
    plan_for,
    subscription_current,
    subscription_ensure,
)
from billing.services.usage import quota_consume, usage_record

__all__ = [
    "FEATURES",
    "PlanChange",
    "WebhookResult",
    "effective_plan",
    "feature_require",
    "plan_for",
    "quota_consume",
    "stripe_webhook_process",
    "subscription_change_plan",
    "subscription_current",
    "subscription_ensure",
    "usage_record",
]
