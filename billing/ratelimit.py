"""The plan's request rates, for config.api.ratelimit (named by settings.RATE_LIMIT_RESOLVER).

`burst` (requests per second per organization) and `ingest` (events per minute per
organization) follow the organization's plan; other groups keep their configured rates.
Cached per organization for a minute, and forgotten as soon as the subscription changes.
"""

from django.core.cache import cache

from billing.services.subscriptions import plan_for, rates_cache_key

RATES_TTL_SECONDS = 60


def plan_rates(organization) -> dict[str, str]:
    key = rates_cache_key(organization.pk)
    rates = cache.get(key)
    if rates is None:
        plan = plan_for(organization)
        rates = {"burst": f"{plan.requests_per_second}/s", "ingest": f"{plan.ingest_events_per_minute}/m"}
        cache.set(key, rates, RATES_TTL_SECONDS)
    return rates


def plan_rate(request, group: str) -> str | None:
    organization = getattr(request, "organization", None)
    if organization is None or group not in ("burst", "ingest"):
        return None
    return plan_rates(organization)[group]
