"""Concurrent-socket limit per user, shared by every process through the cache.

A connection holds one of N slot keys (`cache.add` claims one atomically, also in Redis); the socket
refreshes its slot while open and deletes it on close. A process that dies without closing its
sockets leaves slots that lapse after WS_CONNECTION_SLOT_TTL_SECONDS instead of locking the user out.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def _slot_key(user_id, slot: int) -> str:
    return f"realtime:ws-slot:{user_id}:{slot}"


async def connection_slot_claim(*, user_id, channel_name: str) -> int | None:
    """The slot this connection now holds, or None when the user already has the maximum."""
    ttl = settings.WS_CONNECTION_SLOT_TTL_SECONDS
    for slot in range(settings.WS_MAX_CONNECTIONS_PER_USER):
        if await cache.aadd(_slot_key(user_id, slot), channel_name, timeout=ttl):
            return slot
    return None


async def connection_slot_refresh(*, user_id, slot: int, channel_name: str) -> bool:
    """Extends the slot's lifetime; re-claims it if it lapsed meanwhile. False when it was taken."""
    key = _slot_key(user_id, slot)
    ttl = settings.WS_CONNECTION_SLOT_TTL_SECONDS
    holder = await cache.aget(key)
    if holder == channel_name:
        return await cache.atouch(key, ttl)
    if holder is None:
        return await cache.aadd(key, channel_name, timeout=ttl)
    return False


async def connection_slot_release(*, user_id, slot: int, channel_name: str) -> None:
    key = _slot_key(user_id, slot)
    if await cache.aget(key) == channel_name:
        await cache.adelete(key)


async def connection_count(*, user_id) -> int:
    keys = [_slot_key(user_id, slot) for slot in range(settings.WS_MAX_CONNECTIONS_PER_USER)]
    return len(await cache.aget_many(keys))
