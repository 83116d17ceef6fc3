from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from rest_framework import serializers

from realtime import registry
from realtime.models import WebhookAttempt, WebhookDelivery, WebhookSubscription


def subscriptions_of(*, organization) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.for_organization(organization)


def deliveries_of(*, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    """A subscription's deliveries, newest first, each with its event type and its attempts in order."""
    organization_id = subscription.organization_id
    return (
        WebhookDelivery.objects.for_organization(organization_id)
        .filter(subscription=subscription)
        .select_related("event")
        .prefetch_related(
            Prefetch(
                "attempts",
                queryset=WebhookAttempt.objects.for_organization(organization_id).order_by("number"),
            )
        )
        .order_by("-created_at")
    )


def _field_type(field: serializers.Field) -> str:
    if isinstance(field, serializers.ListField | serializers.ListSerializer):
        return "array"
    if isinstance(field, serializers.BaseSerializer | serializers.DictField | serializers.JSONField):
        return "object"
    if isinstance(field, serializers.IntegerField):
        return "integer"
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        return "number"
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    return "string"


def webhook_event_types() -> list[dict]:
    """Event types a webhook can subscribe to, with the declared fields of their payloads."""
    rows = []
    for definition in registry.event_types():
        if not definition.webhook:
            continue
        fields = definition.schema().fields if definition.schema is not None else {}
        rows.append(
            {
                "name": definition.name,
                "description": definition.description,
                "websocket": definition.websocket,
                "payload_fields": [
                    {"name": name, "type": _field_type(field), "required": field.required}
                    for name, field in fields.items()
                ],
            }
        )
    return rows
