"""Webhook delivery: one signed POST per attempt, retries on a schedule, subscriptions disabled when
they keep failing.

A delivery is attempted by the `realtime.deliver_webhook` task. Retries are not Celery countdowns
(hours-long countdowns on a Redis broker are re-delivered after its visibility timeout): a failed
attempt sets `next_attempt_at`, and `realtime.deliver_due_webhooks` (beat, every 30 s) enqueues what
is due. An attempt first claims its delivery by moving `next_attempt_at` forward, so a task that runs
twice, or alongside the sweeper's copy, posts once.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.tasks import enqueue
from realtime.models import (
    AttemptOutcome,
    DeliveryStatus,
    Event,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from realtime.services.events import iso
from realtime.signing import SIGNATURE_HEADER, signature_header, signed_body
from realtime.ssrf import UnsafeWebhookURL, WebhookHostUnresolvable, vet_webhook_url

logger = logging.getLogger(__name__)

OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
TEST_EVENT_TYPE = "webhook.test"
USER_AGENT = "Palisade-Webhooks/1.0"
EXCERPT_LENGTH = 500


@dataclass(frozen=True)
class AttemptResult:
    outcome: str
    response_status: int | None = None
    duration_ms: int = 0
    error: str = ""
    response_excerpt: str = ""
    retry_after: float | None = None


def retry_delay(attempt_number: int) -> float:
    """Seconds before the next attempt: doubling from the base, capped, with jitter (half to full)."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    ceiling = min(settings.WEBHOOK_RETRY_MAX_DELAY_SECONDS, base * 2 ** min(attempt_number - 1, 30))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311  (jitter, not a secret)


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("Retry-After", "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return float(raw)
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - timezone.now()).total_seconds())


def webhook_body(delivery: WebhookDelivery) -> dict:
    event = delivery.event
    return {
        "id": str(event.id),
        "event": event.event_type,
        "organization_id": str(event.organization_id),
        "timestamp": iso(event.created_at),
        "data": event.payload,
    }


def _classify(response: httpx.Response, duration_ms: int) -> AttemptResult:
    code = response.status_code
    excerpt = response.text[:EXCERPT_LENGTH] if response.content else ""
    if 200 <= code < 300:
        return AttemptResult(AttemptOutcome.SUCCEEDED, code, duration_ms, "", excerpt)
    if code == 429 or code >= 500:
        return AttemptResult(
            AttemptOutcome.RETRYABLE, code, duration_ms, f"HTTP {code}", excerpt, _retry_after(response)
        )
    reason = "redirects are not followed" if 300 <= code < 400 else "rejected by the receiver"
    return AttemptResult(AttemptOutcome.FAILED, code, duration_ms, f"HTTP {code}: {reason}", excerpt)


def webhook_send(*, subscription: WebhookSubscription, delivery: WebhookDelivery) -> AttemptResult:
    """One signed POST to the subscription's URL, to the address the SSRF guard checked just now."""
    try:
        target = vet_webhook_url(subscription.url)
    except WebhookHostUnresolvable as exc:
        return AttemptResult(AttemptOutcome.RETRYABLE, error=str(exc))
    except UnsafeWebhookURL as exc:
        return AttemptResult(AttemptOutcome.FAILED, error=f"Blocked: {exc}")
    raw = signed_body(subscription.secret, webhook_body(delivery))
    headers = {
        "Host": target.host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature_header(subscription.secret, raw),
        "X-Palisade-Event": delivery.event.event_type,
        "X-Palisade-Delivery": str(delivery.id),
    }
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    started = time.monotonic()
    try:
        # trust_env=False: no proxy from the environment may carry the request elsewhere.
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            response = client.post(target.pinned_url, content=raw, headers=headers, extensions=extensions)
    except httpx.TimeoutException:
        duration = int((time.monotonic() - started) * 1000)
        return AttemptResult(
            AttemptOutcome.RETRYABLE, duration_ms=duration, error=f"Timed out after {timeout:g} s"
        )
    except httpx.HTTPError as exc:
        duration = int((time.monotonic() - started) * 1000)
        return AttemptResult(
            AttemptOutcome.RETRYABLE, duration_ms=duration, error=f"{type(exc).__name__}: {exc}"[:500]
        )
    return _classify(response, int((time.monotonic() - started) * 1000))


def _note_subscription_health(
    subscription: WebhookSubscription, result: AttemptResult, now: datetime
) -> None:
    scoped = WebhookSubscription.objects.for_organization(subscription.organization_id).filter(
        pk=subscription.pk
    )
    if result.outcome == AttemptOutcome.SUCCEEDED:
        scoped.update(failing_since=None, consecutive_failures=0, last_success_at=now)
        return
    scoped.filter(failing_since__isnull=True).update(failing_since=now)
    scoped.update(
        consecutive_failures=F("consecutive_failures") + 1, last_failure_at=now, last_error=result.error
    )
    fresh = scoped.get()
    disable_after = timedelta(hours=settings.WEBHOOK_DISABLE_AFTER_HOURS)
    if fresh.is_active and fresh.failing_since and now - fresh.failing_since >= disable_after:
        reason = (
            f"Disabled automatically at {iso(now)}: every delivery since {iso(fresh.failing_since)} failed "
            f"({fresh.consecutive_failures} attempts in a row). Last error: {result.error}"
        )[:800]
        scoped.filter(is_active=True).update(is_active=False, disabled_at=now, disabled_reason=reason)
        logger.warning("Webhook subscription %s disabled: %s", subscription.pk, reason)


@transaction.atomic
def _record(
    delivery: WebhookDelivery, result: AttemptResult, *, retry: bool, now: datetime
) -> WebhookDelivery:
    number = delivery.attempt_count + 1
    WebhookAttempt.objects.create(
        organization_id=delivery.organization_id,
        delivery=delivery,
        number=number,
        outcome=result.outcome,
        response_status=result.response_status,
        duration_ms=result.duration_ms,
        error=result.error[:500],
        response_excerpt=result.response_excerpt,
    )
    delivery.attempt_count = number
    delivery.last_response_status = result.response_status
    delivery.last_error = result.error[:500]
    delivery.status = DeliveryStatus.FAILED
    delivery.next_attempt_at = None
    if result.outcome == AttemptOutcome.SUCCEEDED:
        delivery.status = DeliveryStatus.SUCCEEDED
    elif result.outcome == AttemptOutcome.RETRYABLE and retry:
        delay = min(
            max(retry_delay(number), result.retry_after or 0), settings.WEBHOOK_RETRY_MAX_DELAY_SECONDS
        )
        next_at = now + timedelta(seconds=delay)
        if next_at <= delivery.created_at + timedelta(hours=settings.WEBHOOK_RETRY_WINDOW_HOURS):
            delivery.status = DeliveryStatus.RETRYING
            delivery.next_attempt_at = next_at
        else:
            delivery.last_error = (
                f"{result.error} (gave up: retried for {settings.WEBHOOK_RETRY_WINDOW_HOURS:g} h)"[:500]
            )
    delivery.completed_at = None if delivery.status == DeliveryStatus.RETRYING else now
    delivery.save(
        update_fields=[
            "attempt_count",
            "last_response_status",
            "last_error",
            "status",
            "next_attempt_at",
            "completed_at",
            "updated_at",
        ]
    )
    return delivery


def webhook_delivery_attempt(*, delivery_id, organization_id) -> WebhookDelivery | None:
    """Attempt a due delivery once; None when it is not due (done, or claimed by another run)."""
    now = timezone.now()
    deliveries = WebhookDelivery.objects.for_organization(organization_id)
    lease = timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3 + 30)
    claimed = deliveries.filter(pk=delivery_id, status__in=OPEN_STATUSES, next_attempt_at__lte=now).update(
        next_attempt_at=now + lease
    )
    if not claimed:
        return None
    delivery = deliveries.select_related("subscription", "event").get(pk=delivery_id)
    subscription = delivery.subscription
    if not subscription.is_active:
        deliveries.filter(pk=delivery_id).update(
            status=DeliveryStatus.FAILED,
            next_attempt_at=None,
            completed_at=now,
            last_error="Not sent: the subscription is disabled.",
        )
        delivery.refresh_from_db()
        return delivery
    result = webhook_send(subscription=subscription, delivery=delivery)
    finished = timezone.now()
    delivery = _record(delivery, result, retry=True, now=finished)
    _note_subscription_health(subscription, result, finished)
    return delivery


def webhook_deliveries_enqueue_due(*, limit: int = 500) -> int:
    """Enqueue every delivery whose next attempt is due, across organizations (beat, every 30 s)."""
    from realtime.tasks import deliver_webhook

    due = (
        WebhookDelivery.objects.unscoped()
        .filter(status__in=OPEN_STATUSES, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("id", "organization_id")[:limit]
    )
    rows = list(due)
    for delivery_id, organization_id in rows:
        enqueue(deliver_webhook, delivery_id=str(delivery_id), organization_id=str(organization_id))
    return len(rows)


def webhook_test(*, subscription: WebhookSubscription, actor=None) -> WebhookDelivery:
    """Send a `webhook.test` event to one subscription now, once, and return the recorded attempt.

    Works on a disabled subscription too (to check a fix before re-enabling); it neither retries nor
    counts towards the subscription's failure record.
    """
    with transaction.atomic():
        event = Event.objects.create(
            organization_id=subscription.organization_id,
            event_type=TEST_EVENT_TYPE,
            payload={
                "message": "Test delivery from Palisade.",
                "subscription_id": str(subscription.id),
                "requested_by": getattr(actor, "email", "") or "",
            },
        )
        delivery = WebhookDelivery.objects.create(
            organization_id=subscription.organization_id,
            subscription=subscription,
            event=event,
            status=DeliveryStatus.PENDING,
        )
    result = webhook_send(subscription=subscription, delivery=delivery)
    return _record(delivery, result, retry=False, now=timezone.now())


def events_prune(*, older_than_days: int | None = None) -> int:
    """Delete stored events (with their deliveries) past the retention period, across organizations."""
    days = settings.REALTIME_EVENT_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    old = Event.objects.unscoped().filter(created_at__lt=cutoff)
    open_deliveries = WebhookDelivery.objects.unscoped().filter(status__in=OPEN_STATUSES)
    _, per_model = old.exclude(id__in=open_deliveries.values("event_id")).delete()
    return per_model.get(Event._meta.label, 0)
