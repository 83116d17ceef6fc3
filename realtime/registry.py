"""What may be published and which rooms may be joined: registries domain apps fill in ready().

Event types: `register_event_type(name, *, schema=None, webhook=True, websocket=True)`.
`schema` is a DRF `Serializer` class describing the payload (unknown keys are allowed and kept;
declared fields are checked), or None for any JSON object. The payload that is stored and sent is
the one published, made JSON-safe (UUIDs and datetimes become strings), not the serializer's output.

Rooms: `register_room(prefix, authorizer)`. A room is `<prefix>:<object_id>` (`team:<uuid>`) or a
bare `<prefix>` (`alerts`, object_id None). `authorizer(user, membership, organization, object_id)`
returns whether that member may join; it runs in a worker thread and may query the database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from rest_framework import serializers

EVENT_TYPE_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
ROOM_PREFIX = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
ROOM_OBJECT_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")

RoomAuthorizer = Callable[[Any, Any, Any, str | None], bool]


class UnknownEventType(ValueError):
    """publish() was given an event type nobody registered."""


class InvalidEventPayload(ValueError):
    """publish() was given a payload its event type's schema rejects."""

    def __init__(self, event_type: str, errors: Any):
        super().__init__(f"Invalid payload for {event_type!r}: {errors}")
        self.errors = errors


class InvalidRoom(ValueError):
    """A room name that is malformed or whose prefix nobody registered."""


@dataclass(frozen=True)
class EventType:
    name: str
    schema: type[serializers.Serializer] | None
    webhook: bool
    websocket: bool
    description: str
    provisional: bool = False

    def clean_payload(self, payload: Any) -> dict[str, Any]:
        """The payload as stored and sent: a JSON object, checked against the schema."""
        if not isinstance(payload, dict):
            raise InvalidEventPayload(self.name, "the payload must be a JSON object")
        try:
            clean = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
        except (TypeError, ValueError) as exc:
            raise InvalidEventPayload(self.name, f"not JSON-serialisable ({exc})") from exc
        if self.schema is not None:
            checker = self.schema(data=clean)
            if not checker.is_valid():
                raise InvalidEventPayload(self.name, checker.errors)
        return clean


@dataclass(frozen=True)
class Room:
    """A parsed room name."""

    prefix: str
    object_id: str | None

    @property
    def name(self) -> str:
        return self.prefix if self.object_id is None else f"{self.prefix}:{self.object_id}"


_event_types: dict[str, EventType] = {}
_rooms: dict[str, RoomAuthorizer] = {}


def register_event_type(
    name: str,
    *,
    schema: type[serializers.Serializer] | None = None,
    webhook: bool = True,
    websocket: bool = True,
    description: str = "",
    provisional: bool = False,
) -> EventType:
    """Declare an event type. Registering the same definition again is a no-op.

    `provisional` marks realtime's own seed definitions: a domain app registering the same name
    replaces them with its own schema. Two different non-provisional definitions of one name are
    a configuration error.
    """
    if not EVENT_TYPE_NAME.match(name):
        raise ImproperlyConfigured(f"Event type {name!r}: lowercase words joined by '_' or '.'.")
    if schema is not None and not (isinstance(schema, type) and issubclass(schema, serializers.Serializer)):
        raise ImproperlyConfigured(f"Event type {name!r}: schema must be a DRF Serializer class or None.")
    if not description and schema is not None and schema.__doc__:
        description = " ".join(schema.__doc__.split())
    definition = EventType(name, schema, webhook, websocket, description, provisional)
    existing = _event_types.get(name)
    if existing is not None and existing != definition and not existing.provisional:
        if provisional:
            return existing
        raise ImproperlyConfigured(f"Event type {name!r} is already registered with another definition.")
    _event_types[name] = definition
    return definition


def event_type(name: str) -> EventType:
    try:
        return _event_types[name]
    except KeyError:
        raise UnknownEventType(f"Event type {name!r} is not registered.") from None


def event_types() -> list[EventType]:
    return sorted(_event_types.values(), key=lambda t: t.name)


def webhook_event_names() -> set[str]:
    return {t.name for t in _event_types.values() if t.webhook}


def register_room(prefix: str, authorizer: RoomAuthorizer) -> None:
    """Declare a room kind and who may join it. Re-registering the same authorizer is a no-op."""
    if not ROOM_PREFIX.match(prefix):
        raise ImproperlyConfigured(f"Room prefix {prefix!r}: up to 16 lowercase letters, digits or '_'.")
    existing = _rooms.get(prefix)
    if existing is not None and existing is not authorizer:
        raise ImproperlyConfigured(f"Room prefix {prefix!r} is already registered.")
    _rooms[prefix] = authorizer


def parse_room(name: Any) -> Room:
    """`team:<id>` or `alerts` as a Room; InvalidRoom when malformed or of an unregistered kind."""
    if not isinstance(name, str) or not name:
        raise InvalidRoom("A room is a non-empty string.")
    prefix, sep, object_id = name.partition(":")
    if not ROOM_PREFIX.match(prefix) or (sep and not ROOM_OBJECT_ID.match(object_id)):
        raise InvalidRoom(f"{name[:60]!r} is not a valid room name.")
    if prefix not in _rooms:
        raise InvalidRoom(f"There is no room kind {prefix!r}.")
    return Room(prefix, object_id if sep else None)


def room_authorizer(prefix: str) -> RoomAuthorizer:
    return _rooms[prefix]
