"""Onboarding (incidents.onboarding): the network-discovery scan's guard rails.

The scan is a TCP connect scan of a range an admin submits. It only ever touches networks listed
in ONBOARDING_SCAN_ALLOWED_NETWORKS: loopback outside production, nothing in production until an
operator names the customer's ranges.
"""

from typing import cast

from config.env import IS_PRODUCTION, env
from config.settings.api import SPECTACULAR_SETTINGS

# CIDRs a network scan may target (a submitted range must lie entirely inside one of them).
ONBOARDING_SCAN_ALLOWED_NETWORKS = env.list(
    "ONBOARDING_SCAN_ALLOWED_NETWORKS", default=[] if IS_PRODUCTION else ["127.0.0.0/8", "::1/128"]
)
# Hard caps on one scan: addresses in the range and ports per address.
ONBOARDING_SCAN_MAX_ADDRESSES = env.int("ONBOARDING_SCAN_MAX_ADDRESSES", default=256)
ONBOARDING_SCAN_MAX_PORTS = env.int("ONBOARDING_SCAN_MAX_PORTS", default=32)
# Seconds to wait for a TCP connect, and for a service to volunteer a banner once connected.
ONBOARDING_SCAN_CONNECT_TIMEOUT = env.float("ONBOARDING_SCAN_CONNECT_TIMEOUT", default=0.5)
ONBOARDING_SCAN_BANNER_TIMEOUT = env.float("ONBOARDING_SCAN_BANNER_TIMEOUT", default=0.5)
# Connections in flight at once during one scan.
ONBOARDING_SCAN_CONCURRENCY = env.int("ONBOARDING_SCAN_CONCURRENCY", default=32)
# Reverse DNS of hosts with open ports. Off by default: a scan never waits on a resolver unless
# asked; when on, each lookup is abandoned after ONBOARDING_SCAN_DNS_TIMEOUT seconds.
ONBOARDING_SCAN_REVERSE_DNS = env.bool("ONBOARDING_SCAN_REVERSE_DNS", default=False)
ONBOARDING_SCAN_DNS_TIMEOUT = env.float("ONBOARDING_SCAN_DNS_TIMEOUT", default=1.0)
# A queued or running scan older than this no longer blocks a new one (its worker is presumed lost).
ONBOARDING_SCAN_STALE_SECONDS = env.int("ONBOARDING_SCAN_STALE_SECONDS", default=900)

_ENUMS = cast(dict[str, str], SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}))
_ENUMS.update(
    {
        "OnboardingStatusEnum": "incidents.onboarding.models.SESSION_STATES",
        "OnboardingAssetCheckEnum": "incidents.onboarding.models.AssetCheck",
        "OnboardingStepStatusEnum": "incidents.onboarding.models.StepStatus",
        "AssetOsGuessEnum": "incidents.onboarding.models.OsGuess",
    }
)
