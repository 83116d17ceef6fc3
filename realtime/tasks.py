"""Thin tasks: ids in, one service call. Retries of deliveries are scheduled rows, not Celery retries."""

from config.tasks import palisade_task
from realtime import services


@palisade_task(name="realtime.deliver_webhook", max_retries=0, soft_time_limit=60, time_limit=90)
def deliver_webhook(*, delivery_id: str, organization_id: str) -> str | None:
    delivery = services.webhook_delivery_attempt(delivery_id=delivery_id, organization_id=organization_id)
    return delivery.status if delivery is not None else None


@palisade_task(name="realtime.deliver_due_webhooks", max_retries=0)
def deliver_due_webhooks() -> int:
    return services.webhook_deliveries_enqueue_due()


@palisade_task(name="realtime.prune_events", max_retries=0)
def prune_events() -> int:
    return services.events_prune()
