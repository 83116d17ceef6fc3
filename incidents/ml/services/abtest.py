"""A/B tests: two triage versions scored side by side in shadow mode, compared on the verdicts that follow."""

from __future__ import annotations

from typing import Any

import numpy as np

from config.api.errors import ApplicationError, ErrorCode
from incidents.ml import engine, selectors
from incidents.ml.models import ABTest, ABTestScore, ModelKind, ModelVersion


def ab_test_create(*, organization, user, name: str, version_a: int, version_b: int) -> ABTest:
    versions = {
        v.version: v
        for v in ModelVersion.objects.for_organization(organization).filter(
            kind=ModelKind.TRIAGE, version__in=[version_a, version_b]
        )
    }
    missing = {
        key: ["No triage model version with that number."]
        for key, number in (("version_a", version_a), ("version_b", version_b))
        if number not in versions
    }
    if missing:
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, "Unknown model version.", {"fields": missing})
    if version_a == version_b:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "Compare two different versions.",
            {"fields": {"version_b": ["Must differ from version_a."]}},
        )
    return ABTest.objects.create(
        organization=organization,
        name=name or f"v{version_a} vs v{version_b}",
        version_a=versions[version_a],
        version_b=versions[version_b],
        created_by=user if hasattr(user, "email") else None,
    )


def ab_test_results(*, test: ABTest) -> dict[str, Any]:
    scores = list(ABTestScore.objects.for_organization(test.organization_id).filter(test=test))
    labeled = selectors.labeled_threats(test.organization)
    labels = dict(zip(labeled.threat_ids, labeled.y.tolist(), strict=True))
    judged = [s for s in scores if s.threat_id in labels]
    summary: dict[str, Any] = {
        "scored": len(scores),
        "with_verdict": len(judged),
        "version_a": {
            "version": test.version_a.version,
            "mean_probability": _mean(s.probability_a for s in scores),
        },
        "version_b": {
            "version": test.version_b.version,
            "mean_probability": _mean(s.probability_b for s in scores),
        },
        "significance": None,
        "winner": None,
    }
    if not judged:
        summary["message"] = "No scored threat has an analyst's verdict yet."
        return summary
    y = np.asarray([labels[s.threat_id] for s in judged])
    pa = np.asarray([s.probability_a for s in judged])
    pb = np.asarray([s.probability_b for s in judged])
    summary["version_a"].update(engine.classification_metrics(y, pa))
    summary["version_b"].update(engine.classification_metrics(y, pb))
    significance = engine.mcnemar((pa >= 0.5) == y, (pb >= 0.5) == y)
    summary["significance"] = significance
    if significance["p_value"] < 0.05:
        summary["winner"] = "a" if significance["only_a_correct"] > significance["only_b_correct"] else "b"
    summary["message"] = (
        f"{len(judged)} shadow-scored threats have verdicts; McNemar p={significance['p_value']:.4f}"
        + (
            f": version {summary['winner']} is significantly better."
            if summary["winner"]
            else ": no significant difference."
        )
    )
    return summary


def _mean(values) -> float | None:
    items = list(values)
    return round(float(np.mean(items)), 4) if items else None
