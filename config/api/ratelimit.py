"""Rate groups (standard, ai, export, demo, ingest) on django-ratelimit's cache counters.

A view names its group with `rate_group = "ai"` (default `standard`; `None` exempts it).
The usage is recorded on the request so RateLimitHeadersMiddleware can add the headers.
"""

from django.conf import settings
from django_ratelimit.core import get_usage
from rest_framework.throttling import BaseThrottle


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
    if group.endswith(":ingest") and organization is not None:
        return f"org:{organization.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def rate_for(group: str) -> str:
    return settings.RATE_LIMITS[group]


def check_rate(request, group: str, *, increment: bool = True) -> dict | None:
    """Count one request against `group`; returns django-ratelimit's usage (with should_limit)."""
    usage = get_usage(
        request, group=f"palisade:{group}", key=rate_key, rate=rate_for(group), increment=increment
    )
    if usage is not None:
        request.ratelimit_usage = usage
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
        if usage is None or not usage["should_limit"]:
            return True
        self.time_left = max(1, usage["time_left"])
        return False

    def wait(self) -> float | None:
        return getattr(self, "time_left", None)
