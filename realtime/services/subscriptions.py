"""Webhook subscriptions: create, change, delete; every URL passes the SSRF guard."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from config.api.errors import ApplicationError, ErrorCode
from realtime import registry
from realtime.models import SubscriptionSource, WebhookSubscription
from realtime.ssrf import UnsafeWebhookURL, vet_webhook_url

SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix, not a secret)
MIN_SECRET_LENGTH = 16


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(ErrorCode.VALIDATION_ERROR, f"{field}: {message}", {"fields": {field: [message]}})


def _check_url(url: str) -> str:
    try:
        return vet_webhook_url(url).url
    except UnsafeWebhookURL as exc:
        raise _invalid("url", str(exc)) from exc


def _check_events(events: list[str]) -> list[str]:
    if not events:
        raise _invalid("events", "Name at least one event type (see GET /api/v1/webhooks/events).")
    allowed = registry.webhook_event_names()
    unknown = sorted({name for name in events if name not in allowed})
    if unknown:
        raise _invalid("events", f"Unknown webhook event types: {', '.join(unknown)}.")
    return list(dict.fromkeys(events))


def _check_secret(secret: str | None) -> str:
    if not secret:
        return SECRET_PREFIX + secrets.token_urlsafe(32)
    if len(secret) < MIN_SECRET_LENGTH:
        raise _invalid("secret", f"Use at least {MIN_SECRET_LENGTH} characters.")
    return secret


@transaction.atomic
def webhook_subscription_create(
    *,
    organization,
    url: str,
    events: list[str],
    secret: str | None = None,
    description: str = "",
    actor=None,
    source: str = SubscriptionSource.API,
) -> WebhookSubscription:
    """A new active subscription; without a secret one is generated (the caller shows it once)."""
    subscription = WebhookSubscription(
        organization=organization,
        url=_check_url(url),
        events=_check_events(events),
        secret=_check_secret(secret),
        description=description,
        source=source,
        created_by=actor if isinstance(actor, get_user_model()) else None,  # not an API key's principal
    )
    subscription.full_clean()
    subscription.save()
    return subscription


@transaction.atomic
def webhook_subscription_update(*, subscription: WebhookSubscription, **changes: Any) -> WebhookSubscription:
    """Change url, events, description, secret or is_active. Re-activating clears the failure record."""
    if "url" in changes:
        subscription.url = _check_url(changes["url"])
    if "events" in changes:
        subscription.events = _check_events(changes["events"])
    if "secret" in changes:
        if not changes["secret"]:
            raise _invalid("secret", "May not be blank; omit it to keep the current secret.")
        subscription.secret = _check_secret(changes["secret"])
    if "description" in changes:
        subscription.description = changes["description"]
    if "is_active" in changes:
        if changes["is_active"] and not subscription.is_active:
            subscription.failing_since = None
            subscription.consecutive_failures = 0
            subscription.disabled_at = None
            subscription.disabled_reason = ""
        subscription.is_active = changes["is_active"]
    subscription.full_clean()
    subscription.save()
    return subscription


def webhook_subscription_delete(*, subscription: WebhookSubscription) -> None:
    """Deletes the subscription with its delivery history; pending deliveries are dropped."""
    subscription.delete()
