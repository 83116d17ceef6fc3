"""Drift: each feature's training distribution against the recent window (PSI and a KS test)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone

from incidents.ml import engine, selectors
from incidents.ml.features import TRIAGE_FEATURES, matrix, threat_vector
from incidents.ml.models import ModelKind
from incidents.models import Threat

MIN_RECENT = 20


def _recent_threats(organization, since) -> np.ndarray:
    threats = list(
        Threat.objects.for_organization(organization)
        .filter(detected_at__gte=since)
        .order_by("-detected_at")[: settings.ML_MAX_TRAINING_ROWS]
    )
    originals = selectors.rule_confidences(organization, [t.pk for t in threats])
    return matrix([threat_vector(t, originals.get(t.pk)) for t in threats], len(TRIAGE_FEATURES))


def drift_check(names: list[str], reference: np.ndarray, recent: np.ndarray) -> dict[str, Any]:
    if len(reference) < MIN_RECENT or len(recent) < MIN_RECENT:
        return {
            "status": "insufficient_data",
            "drift_detected": False,
            "features": [],
            "reference_samples": len(reference),
            "recent_samples": len(recent),
            "message": f"Drift needs at least {MIN_RECENT} rows in both windows.",
        }
    features = engine.feature_drift(
        names,
        reference,
        recent,
        psi_threshold=settings.ML_DRIFT_PSI_THRESHOLD,
        ks_alpha=settings.ML_DRIFT_KS_ALPHA,
    )
    drifted = [f["feature"] for f in features if f["drifted"]]
    return {
        "status": "drift" if drifted else "stable",
        "drift_detected": bool(drifted),
        "features": features,
        "reference_samples": len(reference),
        "recent_samples": len(recent),
        "message": f"Drifted: {', '.join(drifted)}." if drifted else "No feature drifted.",
    }


def drift_status(*, organization) -> dict[str, Any]:
    since = timezone.now() - timedelta(days=settings.ML_DRIFT_RECENT_DAYS)
    report: dict[str, Any] = {
        "recent_window_days": settings.ML_DRIFT_RECENT_DAYS,
        "psi_threshold": settings.ML_DRIFT_PSI_THRESHOLD,
        "ks_alpha": settings.ML_DRIFT_KS_ALPHA,
        "models": {},
    }
    for kind in (ModelKind.TRIAGE, ModelKind.ANOMALY):
        version = selectors.promoted_version(organization, kind)
        if version is None:
            report["models"][kind] = {
                "status": "no_model",
                "drift_detected": False,
                "features": [],
                "reference_samples": 0,
                "recent_samples": 0,
                "message": f"No {kind} model is promoted: nothing to compare with.",
            }
            continue
        if kind == ModelKind.TRIAGE:
            reference, recent = (
                np.asarray(version.artefact["reference"]),
                _recent_threats(organization, since),
            )
        else:
            reference = np.asarray(version.artefact["sample"])
            recent, _keys = selectors.window_matrix(organization, start=since)
        report["models"][kind] = {
            "version": version.version,
            **drift_check(version.feature_names, reference, recent),
        }
    report["drift_detected"] = any(m["drift_detected"] for m in report["models"].values())
    return report
