"""Loads the NIST reference catalogs shipped in metrics/data/ into the framework tables.

Idempotent (update_or_create on each code), so it runs in a data migration, in the
`load_frameworks` command and again after a data refresh without duplicating anything. It takes
the model classes as arguments so a migration can pass its historical models.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

# Our own framing of each file: the public id, a short name, and metric-number prefixes. The
# framework text itself is read from the file, never retyped.
FRAMEWORKS: list[dict[str, Any]] = [
    {
        "id": "csf-2.0",
        "file": "nist-csf-2.0.json",
        "short_name": "NIST CSF 2.0",
        "order": 1,
        "prefixes": {},  # CSF function codes (GV, ID, PR, DE, RS, RC) are the prefixes
        "aliases": ["csf", "csf-2.0", "csf_2_0", "csf-2-0", "csf2", "nist-csf-2.0"],
    },
    {
        "id": "ai-rmf-1.0",
        "file": "nist-ai-rmf-1.0.json",
        "short_name": "NIST AI RMF 1.0",
        "order": 2,
        "prefixes": {"GOVERN": "AI-GV", "MAP": "AI-MP", "MEASURE": "AI-MS", "MANAGE": "AI-MG"},
        "aliases": ["ai-rmf", "ai_rmf", "ai-rmf-1.0", "ai_rmf_1_0", "ai-rmf-1-0", "airmf", "nist-ai-rmf-1.0"],
    },
]
ALIASES = {alias: spec["id"] for spec in FRAMEWORKS for alias in spec["aliases"]}


def framework_id_for(reference: str) -> str | None:
    """The public framework id for any accepted spelling (csf_2_0, CSF-2.0, ai_rmf, ...)."""
    return ALIASES.get((reference or "").strip().lower())


def read_framework_file(spec: dict[str, Any]) -> dict[str, Any]:
    return json.loads((DATA_DIR / spec["file"]).read_text(encoding="utf-8"))


def load_reference_frameworks(
    *, Framework, FrameworkFunction, FrameworkCategory, FrameworkSubcategory
) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for spec in FRAMEWORKS:
        data = read_framework_file(spec)
        meta = data["framework"]
        framework, _ = Framework.objects.update_or_create(
            id=spec["id"],
            defaults={
                "source_id": meta["id"],
                "name": meta["name"],
                "short_name": spec["short_name"],
                "version": meta["version"],
                "publisher": meta.get("publisher", ""),
                "published": date.fromisoformat(meta["published"]) if meta.get("published") else None,
                "source": meta.get("source", ""),
                "notes": meta.get("notes", ""),
                "order": spec["order"],
            },
        )
        tally = {"functions": 0, "categories": 0, "subcategories": 0}
        for f_order, function_data in enumerate(data["functions"], start=1):
            function, _ = FrameworkFunction.objects.update_or_create(
                framework=framework,
                code=function_data["code"],
                defaults={
                    "name": function_data["name"],
                    "description": function_data.get("description", ""),
                    "overview": function_data.get("overview", []),
                    "metric_prefix": spec["prefixes"].get(function_data["code"], function_data["code"]),
                    "order": f_order,
                },
            )
            tally["functions"] += 1
            for c_order, category_data in enumerate(function_data["categories"], start=1):
                category, _ = FrameworkCategory.objects.update_or_create(
                    framework=framework,
                    code=category_data["code"],
                    defaults={
                        "function": function,
                        "name": category_data["name"],
                        "description": category_data.get("description", ""),
                        "order": c_order,
                    },
                )
                tally["categories"] += 1
                for s_order, sub_data in enumerate(category_data["subcategories"], start=1):
                    FrameworkSubcategory.objects.update_or_create(
                        framework=framework,
                        code=sub_data["code"],
                        defaults={
                            "category": category,
                            "description": sub_data["description"],
                            "implementation_examples": sub_data.get("implementation_examples", []),
                            "order": s_order,
                        },
                    )
                    tally["subcategories"] += 1
        counts[spec["id"]] = tally
    return counts
