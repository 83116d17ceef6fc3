"""publish(): validate, store, and fan out to sockets and webhooks once the transaction commits."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from config.tasks import enqueue
from realtime import registry
from realtime.groups import organization_group, room_group
from realtime.models import DeliveryStatus, Event, WebhookDelivery, WebhookSubscription
from realtime.signals import event_published

logger = logging.getLogger(__name__)


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _clean_rooms(rooms: Iterable[str] | None) -> list[registry.Room]:
    if rooms is None:
        return []
    if isinstance(rooms, str):
        raise registry.InvalidRoom("rooms is a list of room names, not one string.")
    parsed: list[registry.Room] = []
    for name in rooms:
        room = registry.parse_room(name)
        if room not in parsed:
            parsed.append(room)
    return parsed


def event_message(event: Event, *, room: str | None = None) -> dict[str, Any]:
    """What a socket receives: seed D's `{"type", "data"}` plus the event's id, time and room."""
    return {
        "type": event.event_type,
        "data": event.payload,
        "event_id": str(event.id),
        "timestamp": iso(event.created_at),
        "room": room,
    }


def _broadcast(organization_id, event: Event, rooms: list[registry.Room]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    targets: list[tuple[str, str | None]] = [(room_group(organization_id, room), room.name) for room in rooms]
    if not targets:
        targets = [(organization_group(organization_id), None)]
    for group, room_name in targets:
        # Serialised once here rather than once per socket: a group may hold thousands of them.
        text = json.dumps(event_message(event, room=room_name), cls=DjangoJSONEncoder)
        async_to_sync(layer.group_send)(
            group, {"type": "realtime.event", "event_id": str(event.id), "text": text}
        )


def _deliveries_for(event: Event) -> list[WebhookDelivery]:
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.for_organization(event.organization_id).filter(
            is_active=True
        )
        if event.event_type in subscription.events
    ]
    return WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            organization_id=event.organization_id,
            subscription=subscription,
            event=event,
            status=DeliveryStatus.PENDING,
            next_attempt_at=event.created_at,
        )
        for subscription in subscriptions
    )


def _notify_receivers(organization_id, event: Event) -> None:
    for receiver, outcome in event_published.send_robust(
        sender=Event, organization_id=organization_id, event=event
    ):
        if isinstance(outcome, Exception):
            logger.error("receiver %r of %s failed", receiver, event.event_type, exc_info=outcome)


def event_publish(
    *, organization, event_type: str, payload: dict[str, Any], rooms: Iterable[str] | None = None
) -> Event:
    """Store an event and, after the surrounding transaction commits, send it.

    Without rooms it goes to every socket of the organization; with rooms only to the sockets that
    joined one of them. Webhook subscriptions of the organization that list the event type get one
    delivery each. Nothing is sent if the transaction rolls back.
    Raises UnknownEventType, InvalidEventPayload or InvalidRoom (programming errors of the caller).
    """
    definition = registry.event_type(event_type)
    clean_payload = definition.clean_payload(payload)
    parsed_rooms = _clean_rooms(rooms)
    organization_id = getattr(organization, "pk", organization)
    with transaction.atomic():
        event = Event.objects.create(
            organization_id=organization_id,
            event_type=event_type,
            payload=clean_payload,
            rooms=[room.name for room in parsed_rooms],
        )
        deliveries = _deliveries_for(event) if definition.webhook else []
        if definition.websocket:
            transaction.on_commit(lambda: _broadcast(organization_id, event, parsed_rooms), robust=True)
        if event_published.has_listeners(Event):
            transaction.on_commit(lambda: _notify_receivers(organization_id, event))
        if deliveries:
            from realtime.tasks import deliver_webhook

            for delivery in deliveries:
                enqueue(deliver_webhook, delivery_id=str(delivery.id), organization_id=str(organization_id))
    return event


def events_publish(
    *,
    organization,
    events: Iterable[tuple[str, dict[str, Any]]],
    rooms: Iterable[str] | None = None,
) -> list[Event]:
    """event_publish() for several events at once, in the order given: every event is validated
    before any is stored, then all are stored with one INSERT and matched against the organization's
    webhook subscriptions with one lookup. Each event keeps event_publish's guarantees: its own
    socket broadcast, in-process notification and webhook deliveries, all only after the commit.
    Raises UnknownEventType, InvalidEventPayload or InvalidRoom and stores nothing if any is invalid.
    """
    parsed_rooms = _clean_rooms(rooms)
    organization_id = getattr(organization, "pk", organization)
    prepared: list[tuple[registry.EventType, Event]] = []
    for event_type, payload in events:
        definition = registry.event_type(event_type)
        prepared.append(
            (
                definition,
                Event(
                    organization_id=organization_id,
                    event_type=event_type,
                    payload=definition.clean_payload(payload),
                    rooms=[room.name for room in parsed_rooms],
                ),
            )
        )
    if not prepared:
        return []
    with transaction.atomic():
        stored = Event.objects.bulk_create([event for _definition, event in prepared])
        hooked = [event for definition, event in prepared if definition.webhook]
        deliveries = _deliveries_for_many(organization_id, hooked) if hooked else []
        notify = event_published.has_listeners(Event)
        for definition, event in prepared:
            if definition.websocket:
                transaction.on_commit(partial(_broadcast, organization_id, event, parsed_rooms), robust=True)
            if notify:
                transaction.on_commit(partial(_notify_receivers, organization_id, event))
        if deliveries:
            from realtime.tasks import deliver_webhook

            for delivery in deliveries:
                enqueue(deliver_webhook, delivery_id=str(delivery.id), organization_id=str(organization_id))
    return stored


def _deliveries_for_many(organization_id, events: list[Event]) -> list[WebhookDelivery]:
    types = {event.event_type for event in events}
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.for_organization(organization_id).filter(
            is_active=True
        )
        if types.intersection(subscription.events)
    ]
    return WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            organization_id=organization_id,
            subscription=subscription,
            event=event,
            status=DeliveryStatus.PENDING,
            next_attempt_at=event.created_at,
        )
        for event in events
        for subscription in subscriptions
        if event.event_type in subscription.events
    )
