"""Creators of onboarding discovery resources for the quality gates (cross-tenant probe, budgets, fuzzer)."""

import itertools

from tests.incidents.onboarding.helpers import asset_make
from tests.quality.resources import Tenant, resource

_serial = itertools.count(1)


@resource("/api/v1/onboarding/scan-results/{asset_id}")
def discovered_asset(tenant: Tenant) -> dict:
    n = next(_serial)
    asset = asset_make(
        tenant.organization,
        f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
        {22: ("ssh", "SSH-2.0-OpenSSH_9.6"), 443: ("https", "")},
    )
    return {"asset_id": asset.pk}
