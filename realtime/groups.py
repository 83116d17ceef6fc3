"""Channel-layer group names. Each contains the organization id, so no event crosses tenants."""

from __future__ import annotations

import uuid

from realtime.registry import Room


def organization_group(organization_id: uuid.UUID | str) -> str:
    """Every authenticated socket of the organization: events published without rooms."""
    return f"rt.{uuid.UUID(str(organization_id)).hex}"


def room_group(organization_id: uuid.UUID | str, room: Room) -> str:
    """Sockets of the organization that joined `room` (ids are at most 40 URL-safe characters)."""
    suffix = room.prefix if room.object_id is None else f"{room.prefix}.{room.object_id}"
    return f"{organization_group(organization_id)}.{suffix}"
