"""Storing versions and promoting them (one promoted version per organization and kind)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from incidents.ml.models import ModelVersion


def version_next_number(organization, kind: str) -> int:
    current = (
        ModelVersion.objects.for_organization(organization)
        .select_for_update()
        .filter(kind=kind)
        .aggregate(top=Max("version"))["top"]
    )
    return (current or 0) + 1


@transaction.atomic
def version_store(
    *,
    organization,
    kind: str,
    source: str,
    algorithm: str,
    feature_names: list[str],
    artefact: dict[str, Any],
    metrics: dict[str, Any],
    baseline_metrics: dict[str, Any],
    training_stats: dict[str, Any],
    training_samples: int,
    holdout_samples: int,
    promote: bool,
    reason: str,
) -> ModelVersion:
    version = ModelVersion(
        organization=organization,
        kind=kind,
        version=version_next_number(organization, kind),
        source=source,
        algorithm=algorithm,
        feature_names=feature_names,
        artefact=artefact,
        metrics=metrics,
        baseline_metrics=baseline_metrics,
        training_stats=training_stats,
        training_samples=training_samples,
        holdout_samples=holdout_samples,
        promotion_reason=reason[:300],
        trained_at=timezone.now(),
    )
    version.full_clean(validate_constraints=False)
    if promote:
        ModelVersion.objects.for_organization(organization).filter(kind=kind, is_promoted=True).update(
            is_promoted=False
        )
        version.is_promoted = True
        version.promoted_at = version.trained_at
    version.save()
    return version
