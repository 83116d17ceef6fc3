"""The default catalog that ships with Palisade (metrics/data/default_catalog.json)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from metrics.reference import DATA_DIR


@lru_cache(maxsize=1)
def default_catalog() -> dict[str, Any]:
    return json.loads((DATA_DIR / "default_catalog.json").read_text(encoding="utf-8"))


def template_metrics(framework_id: str | None = None) -> list[dict[str, Any]]:
    metrics = default_catalog()["metrics"]
    return [m for m in metrics if framework_id is None or m["framework"] == framework_id]


def sample_value(template: dict[str, Any], *, salt: str = "") -> float:
    """A plausible, repeatable measurement for demo data: near the target, sometimes short of it."""
    digest = hashlib.sha256(f"{salt}:{template['name']}".encode()).digest()
    fraction = digest[0] / 255  # 0..1, fixed per metric
    target = float(template["target_value"])
    if template["direction"] == "higher_is_better":
        value = target * (0.6 + 0.45 * fraction)
        if template.get("unit") == "%":
            value = min(value, 100.0)
    elif target <= 0:
        value = float(digest[1] % 4)
    else:
        value = target * (0.7 + 1.3 * fraction)
    return round(value, 1)
