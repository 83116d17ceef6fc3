"""The WebSocket protocol of /ws (seed C) and /ws/threats (seed D); both speak it.

1. Authenticate: a JWT in the query string (`?token=`) or Authorization header at connect, or
   `{"type": "auth", "token": "<JWT>"}` as the first message. The server answers
   `{"type": "authenticated", "user_id", "organization_id"}` and joins the organization's feed.
2. `{"type": "subscribe", "rooms": ["team:<id>", "alerts"]}` -> `{"type": "subscribed", "rooms":
   [granted], "refused": [{"room", "reason"}]}`; `unsubscribe` likewise; `ping` -> `pong`.
3. Events arrive as `{"type": "<event type>", "data": {...}, "event_id", "timestamp", "room"}`.

Errors are `{"type": "error", "code", "message"}`; fatal ones are followed by a close code:
4001 bad or missing credentials, 4003 no active membership, 4008 not authenticated in time,
4029 too many connections for this user.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from accounts.channels import user_for_token
from realtime import registry
from realtime.connections import connection_slot_claim, connection_slot_refresh, connection_slot_release
from realtime.groups import organization_group, room_group

logger = logging.getLogger(__name__)

CLOSE_UNAUTHORIZED = 4001
CLOSE_FORBIDDEN = 4003
CLOSE_AUTH_TIMEOUT = 4008
CLOSE_TOO_MANY_CONNECTIONS = 4029


def _token_offered_at_connect(scope) -> bool:
    query = parse_qs(scope.get("query_string", b"").decode(errors="replace"))
    if query.get("token"):
        return True
    return any(name == b"authorization" for name, _ in scope.get("headers", []))


@database_sync_to_async
def _authenticate_token(raw_token: str):
    return user_for_token(raw_token)


@database_sync_to_async
def _authorize_room(room: registry.Room, user, membership) -> bool:
    authorizer = registry.room_authorizer(room.prefix)
    return bool(authorizer(user, membership, membership.organization, room.object_id))


class RealtimeConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.user = None
        self.membership = None
        self.organization_id: str | None = None
        self.groups_joined: dict[str, str] = {}  # room name -> group
        self.slot: int | None = None
        self.recent_events: deque[str] = deque(maxlen=256)
        self.background: list[asyncio.Task] = []
        await self.accept()
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            await self._start_session(user, self.scope.get("membership"))
        elif _token_offered_at_connect(self.scope):
            await self._refuse(CLOSE_UNAUTHORIZED, "UNAUTHORIZED", "The token is invalid or expired.")
        else:
            self.background.append(asyncio.create_task(self._close_if_not_authenticated()))

    async def disconnect(self, code) -> None:
        for task in self.background:
            task.cancel()
        if self.organization_id is not None:
            for group in [organization_group(self.organization_id), *self.groups_joined.values()]:
                await self.channel_layer.group_discard(group, self.channel_name)
        if self.slot is not None and self.user is not None:
            await connection_slot_release(
                user_id=self.user.pk, slot=self.slot, channel_name=self.channel_name
            )
            self.slot = None

    # Incoming messages

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        try:
            content = json.loads(text_data or (bytes_data or b"").decode())
        except (ValueError, UnicodeDecodeError):
            content = None
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            if self.user is None:
                await self._refuse(
                    CLOSE_UNAUTHORIZED, "UNAUTHORIZED", "Authenticate first: send {type: auth}."
                )
            else:
                await self._error("VALIDATION_ERROR", 'Messages are JSON objects with a "type".')
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict[str, Any], **kwargs) -> None:
        kind = content["type"]
        if self.user is None:
            if kind != "auth" or not isinstance(content.get("token"), str):
                await self._refuse(
                    CLOSE_UNAUTHORIZED,
                    "UNAUTHORIZED",
                    'The first message must be {"type": "auth", "token": ...}.',
                )
                return
            user, membership = await _authenticate_token(content["token"])
            if not user.is_authenticated:
                await self._refuse(CLOSE_UNAUTHORIZED, "UNAUTHORIZED", "The token is invalid or expired.")
                return
            await self._start_session(user, membership)
        elif kind == "auth":
            await self._error("VALIDATION_ERROR", "Already authenticated.")
        elif kind == "ping":
            await self.send_json({"type": "pong", "id": content.get("id")})
        elif kind == "subscribe":
            await self._subscribe(content.get("rooms"))
        elif kind == "unsubscribe":
            await self._unsubscribe(content.get("rooms"))
        else:
            await self._error("VALIDATION_ERROR", f"Unknown message type {kind[:40]!r}.")

    # Events from the channel layer

    async def realtime_event(self, message: dict[str, Any]) -> None:
        """An event from the layer, already serialised by the publisher (realtime.services.events)."""
        if message["event_id"] in self.recent_events:  # joined two rooms the event went to
            return
        self.recent_events.append(message["event_id"])
        await self.send(text_data=message["text"])

    # Session

    async def _start_session(self, user, membership) -> None:
        if membership is None or not membership.is_active:
            await self._refuse(
                CLOSE_FORBIDDEN, "FORBIDDEN", "You are not an active member of an organization."
            )
            return
        slot = await connection_slot_claim(user_id=user.pk, channel_name=self.channel_name)
        if slot is None:
            limit = settings.WS_MAX_CONNECTIONS_PER_USER
            await self._refuse(
                CLOSE_TOO_MANY_CONNECTIONS,
                "RATE_LIMITED",
                f"At most {limit} concurrent connections per user.",
            )
            return
        self.user, self.membership, self.slot = user, membership, slot
        self.organization_id = str(membership.organization_id)
        await self.channel_layer.group_add(organization_group(self.organization_id), self.channel_name)
        for task in self.background:
            task.cancel()
        self.background = [asyncio.create_task(self._keep_slot())]
        await self.send_json(
            {"type": "authenticated", "user_id": str(user.pk), "organization_id": self.organization_id}
        )

    async def _close_if_not_authenticated(self) -> None:
        await asyncio.sleep(settings.WS_AUTH_TIMEOUT_SECONDS)
        if self.user is None:
            await self._refuse(CLOSE_AUTH_TIMEOUT, "UNAUTHORIZED", "Not authenticated in time.")

    async def _keep_slot(self) -> None:
        interval = max(1.0, settings.WS_CONNECTION_SLOT_TTL_SECONDS / 3)
        while True:
            await asyncio.sleep(interval)
            assert self.user is not None
            assert self.slot is not None
            if not await connection_slot_refresh(
                user_id=self.user.pk, slot=self.slot, channel_name=self.channel_name
            ):
                slot = await connection_slot_claim(user_id=self.user.pk, channel_name=self.channel_name)
                if slot is None:
                    self.slot = None
                    await self._refuse(
                        CLOSE_TOO_MANY_CONNECTIONS, "RATE_LIMITED", "Too many concurrent connections."
                    )
                    return
                self.slot = slot

    # Rooms

    def _room_names(self, rooms: Any) -> list[str] | None:
        if not isinstance(rooms, list) or not rooms or not all(isinstance(r, str) for r in rooms):
            return None
        return list(dict.fromkeys(rooms))

    async def _subscribe(self, rooms: Any) -> None:
        names = self._room_names(rooms)
        if names is None:
            await self._error("VALIDATION_ERROR", '"rooms" must be a non-empty list of room names.')
            return
        assert self.organization_id is not None
        granted: list[str] = []
        refused: list[dict[str, str]] = []
        for name in names:
            try:
                room = registry.parse_room(name)
            except registry.InvalidRoom as exc:
                refused.append({"room": name[:100], "reason": str(exc)})
                continue
            if room.name in self.groups_joined:
                granted.append(room.name)
                continue
            if len(self.groups_joined) >= settings.WS_MAX_ROOMS_PER_CONNECTION:
                refused.append({"room": room.name, "reason": "Too many rooms on this connection."})
                continue
            if not await _authorize_room(room, self.user, self.membership):
                refused.append({"room": room.name, "reason": "Not found or not allowed."})
                continue
            group = room_group(self.organization_id, room)
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined[room.name] = group
            granted.append(room.name)
        await self.send_json({"type": "subscribed", "rooms": granted, "refused": refused})

    async def _unsubscribe(self, rooms: Any) -> None:
        names = self._room_names(rooms)
        if names is None:
            await self._error("VALIDATION_ERROR", '"rooms" must be a non-empty list of room names.')
            return
        left = []
        for name in names:
            group = self.groups_joined.pop(name, None)
            if group is not None:
                await self.channel_layer.group_discard(group, self.channel_name)
                left.append(name)
        await self.send_json({"type": "unsubscribed", "rooms": left})

    # Replies

    async def _error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})

    async def _refuse(self, close_code: int, code: str, message: str) -> None:
        with contextlib.suppress(Exception):
            await self._error(code, message)
        await self.close(code=close_code)
