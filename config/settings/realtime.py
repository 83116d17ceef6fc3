"""WebSocket limits and outbound-webhook policy (realtime app)."""

from typing import cast

from config.env import env
from config.settings.api import SPECTACULAR_SETTINGS

# WebSockets (/ws, /ws/threats).
# A socket that has not authenticated (token in the query string, or an `auth` first message)
# within this many seconds is closed with code 4008.
WS_AUTH_TIMEOUT_SECONDS = env.float("WS_AUTH_TIMEOUT_SECONDS", default=10.0)
# Concurrent authenticated sockets per user (seed C); the next one is closed with code 4029.
WS_MAX_CONNECTIONS_PER_USER = env.int("WS_MAX_CONNECTIONS_PER_USER", default=5)
# A connection slot is a cache key refreshed by its socket; a crashed process's slots lapse after this.
WS_CONNECTION_SLOT_TTL_SECONDS = env.int("WS_CONNECTION_SLOT_TTL_SECONDS", default=90)
WS_MAX_ROOMS_PER_CONNECTION = env.int("WS_MAX_ROOMS_PER_CONNECTION", default=50)

# Outbound webhooks.
# Host names, IP addresses or CIDR networks a webhook may target even though they are loopback or
# private (self-hosted receivers, tests). Empty: only public addresses.
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=[])
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Retries after a network error, a 5xx or a 429: exponential from the base, capped, with jitter,
# for as long as the window lasts after the event.
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_RETRY_MAX_DELAY_SECONDS = env.int("WEBHOOK_RETRY_MAX_DELAY_SECONDS", default=3600)
WEBHOOK_RETRY_WINDOW_HOURS = env.float("WEBHOOK_RETRY_WINDOW_HOURS", default=24)
# A subscription whose deliveries have failed without a success for this long is disabled.
WEBHOOK_DISABLE_AFTER_HOURS = env.float("WEBHOOK_DISABLE_AFTER_HOURS", default=24)

# Stored events (replay and delivery tracking) are pruned after this many days.
REALTIME_EVENT_RETENTION_DAYS = env.int("REALTIME_EVENT_RETENTION_DAYS", default=30)

# OpenAPI: webhook deliveries' `status` enum keeps a stable name whatever other apps call `status`.
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "ENUM_NAME_OVERRIDES": {
        **cast(dict[str, str], SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {})),
        "WebhookDeliveryStatusEnum": "realtime.models.DeliveryStatus",
    },
}
