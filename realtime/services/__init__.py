"""Writes of the realtime domain: publishing events, webhook subscriptions and deliveries."""

from realtime.services.deliveries import (
    events_prune,
    webhook_deliveries_enqueue_due,
    webhook_delivery_attempt,
    webhook_test,
)
from realtime.services.events import event_message, event_publish
from realtime.services.subscriptions import (
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_update,
)

__all__ = [
    "event_message",
    "event_publish",
    "events_prune",
    "webhook_deliveries_enqueue_due",
    "webhook_delivery_attempt",
    "webhook_subscription_create",
    "webhook_subscription_delete",
    "webhook_subscription_update",
    "webhook_test",
]
