"""Rate groups (standard, ai, export, demo, ingest) on django-ratelimit's cache counters.

A view names its group with `rate_group = "ai"` (default `standard`; `None` exempts it).
Requests made for an organization also count against the `burst` group (requests per
second per organization). The tightest usage is recorded on the request so
RateLimitHeadersMiddleware can add the headers.

RATE_LIMIT_RESOLVER names a callable `(request, group) -> rate | None` that may give a
request a different rate than RATE_LIMITS (the billing app returns the plan's figures);
config only knows the setting, never the app behind it.
"""

from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string
from django_ratelimit.core import get_usage
from rest_framework.throttling import BaseThrottle

# Groups counted per organization rather than per user.
ORGANIZATION_GROUPS = ("ingest", "burst")


def client_ip(request) -> str:
    """The client address, trusting only as many X-Forwarded-For hops as TRUSTED_PROXY_COUNT."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if len(addresses) >= hops:
            return addresses[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_key(group: str, request) -> str:
    """Who a counter belongs to: the organization for ingest, else the user, else the IP."""
    organization = getattr(request, "organization", None)
    if group.rsplit(":", 1)[-1] in ORGANIZATION_GROUPS and organization is not None:
        return f"org:{organization.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


@lru_cache(maxsize=4)
def _resolver(path: str) -> Callable | None:
    return import_string(path) if path else None


def rate_for(group: str, request=None) -> str:
    """The rate of `group` for this request: the resolver's answer, else RATE_LIMITS."""
    resolver = _resolver(getattr(settings, "RATE_LIMIT_RESOLVER", "") or "")
    if resolver is not None and request is not None:
        rate = resolver(request, group)
        if rate:
            return rate
    return settings.RATE_LIMITS[group]


def _remaining(usage: dict) -> int:
    return usage["limit"] - usage["count"]


def _record_usage(request, usage: dict) -> None:
    """Keeps the usage the client is closest to exhausting (a refusing one first) for the headers."""
    current = getattr(request, "ratelimit_usage", None)
    if (
        current is None
        or (usage["should_limit"] and not current["should_limit"])
        or (usage["should_limit"] == current["should_limit"] and _remaining(usage) < _remaining(current))
    ):
        request.ratelimit_usage = usage


def check_rate(request, group: str, *, increment: bool = True) -> dict | None:
    """Count one request against `group`; returns django-ratelimit's usage (with should_limit)."""
    usage = get_usage(
        request,
        group=f"palisade:{group}",
        key=rate_key,
        rate=rate_for(group, request),
        increment=increment,
    )
    if usage is not None:
        _record_usage(request, usage)
    return usage


class RateGroupThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        group = getattr(view, "rate_group", "standard")
        if group is None:
            return True
        raw = request._request
        raw.user = request.user
        raw.organization = getattr(request, "organization", None)
        usage = check_rate(raw, group)
        if (usage is None or not usage["should_limit"]) and raw.organization is not None:
            usage = check_rate(raw, "burst")
        if usage is None or not usage["should_limit"]:
            return True
        self.time_left = max(1, usage["time_left"])
        return False

    def wait(self) -> float | None:
        return getattr(self, "time_left", None)
