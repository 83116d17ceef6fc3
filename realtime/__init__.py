"""Realtime: the one way a domain change reaches the outside world live.

Domain apps use only this module:

    import realtime

    # in AppConfig.ready(): declare the event types you publish and the rooms you own
    realtime.register_event_type("scan_completed", schema=ScanCompletedPayload)  # DRF Serializer class
    realtime.register_room("dashboard", may_join_dashboard)  # (user, membership, organization, object_id) -> bool

    # in a service, inside its transaction: fanned out only if the transaction commits
    realtime.publish(organization, "scan_completed", {"scan_id": str(scan.id)}, rooms=None)

Without rooms an event reaches every socket of the organization (/ws and /ws/threats); with rooms
(`["dashboard:<id>", "alerts"]`) only sockets that joined one of them. Webhook subscriptions of the
organization that list the event type receive it as a signed POST. See realtime.registry for the
schema rules.
"""

from typing import Any

from realtime.registry import (
    InvalidEventPayload,
    InvalidRoom,
    UnknownEventType,
    register_event_type,
    register_room,
)


def publish(organization, event_type: str, payload: dict[str, Any], *, rooms=None):
    """Store and (after commit) fan out one event; returns the stored realtime.models.Event."""
    from realtime.services.events import event_publish

    return event_publish(organization=organization, event_type=event_type, payload=payload, rooms=rooms)


def publish_many(organization, events, *, rooms=None):
    """publish() for a list of (event_type, payload) pairs at once, in order: one INSERT and one
    webhook-subscription lookup for all of them, each event still fanned out on its own after the
    commit; nothing is stored if any of them is invalid. Returns the stored events."""
    from realtime.services.events import events_publish

    return events_publish(organization=organization, events=events, rooms=rooms)


__all__ = [
    "InvalidEventPayload",
    "InvalidRoom",
    "UnknownEventType",
    "publish",
    "publish_many",
    "register_event_type",
    "register_room",
]
