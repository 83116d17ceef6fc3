"""Which operations the quality gates cover, and how hard they push (the profile).

The gates enumerate operations from the OpenAPI schema, so every app's endpoints are seen the
day they are added. LANDED_APPS restricts them to the apps whose code is committed and stable;
widen with `QUALITY_APPS=all` (or a comma-separated list of apps) in the environment:

    QUALITY_APPS=all .venv/bin/pytest tests/quality -p no:xdist
    QUALITY_PROFILE=ci make test          # the fuller profile .ci/run uses
"""

import os
from dataclasses import dataclass

# Apps whose endpoints the gates hold to account by default. Add an app here when it lands.
LANDED_APPS = (
    "config",
    "organizations",
    "accounts",
    "metrics",
    "ai",
    "realtime",
    "incidents",
    "billing",
    "scans",
)


def covered_apps() -> tuple[str, ...] | None:
    """The apps in scope; None means every app."""
    raw = os.environ.get("QUALITY_APPS", "").strip()
    if raw.lower() == "all":
        return None
    if raw:
        return tuple(app.strip() for app in raw.split(",") if app.strip())
    return LANDED_APPS


@dataclass(frozen=True)
class Profile:
    name: str
    # Hypothesis examples per operation for the schema fuzzer.
    fuzz_examples: int


PROFILES = {
    # `make test`: every operation, few examples each (the whole gate stays well under 3 minutes).
    "fast": Profile("fast", fuzz_examples=12),
    # `.ci/run`: the same operations, many more examples.
    "ci": Profile("ci", fuzz_examples=60),
}


def profile() -> Profile:
    name = os.environ.get("QUALITY_PROFILE", "fast").strip().lower() or "fast"
    if name not in PROFILES:
        raise SystemExit(f"QUALITY_PROFILE must be one of {', '.join(PROFILES)}, not {name!r}")
    return PROFILES[name]
