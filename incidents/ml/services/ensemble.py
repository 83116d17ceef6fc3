"""Ensemble weights between the rules', anomaly and triage scores, tuned on held-out verdicts."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone
from sklearn.metrics import roc_auc_score

from incidents.ml import engine, selectors
from incidents.models import Threat


def ensemble_status(*, organization) -> dict[str, Any]:
    config = selectors.ensemble_config(organization)
    return {
        "weights": config.weights,
        "metrics": config.metrics,
        "optimized_at": config.optimized_at,
        "samples": config.samples,
        "components": {
            "rules": True,
            "anomaly": selectors.promoted_version(organization, "anomaly") is not None,
            "triage": selectors.promoted_version(organization, "triage") is not None,
        },
    }


def ensemble_optimize(*, organization) -> dict[str, Any]:
    from incidents.ml.services.scoring import threat_scores

    data = selectors.labeled_threats(organization)
    ok, message = selectors.enough_verdicts(data)
    config = selectors.ensemble_config(organization)
    if not ok:
        return {**ensemble_status(organization=organization), "optimized": False, "message": message}
    threats = list(Threat.objects.for_organization(organization).filter(pk__in=data.threat_ids))
    by_id = {item["threat"].pk: item["parts"] for item in threat_scores(organization, threats)}
    rows = []
    for threat_id in data.threat_ids:
        parts = by_id[threat_id]
        rule = float(parts["rules"] or 0.0)
        # A missing component scores like the rules, so it neither helps nor hurts the mix.
        rows.append(
            [
                rule,
                parts["anomaly"] if parts["anomaly"] is not None else rule,
                parts["triage"] if parts["triage"] is not None else rule,
            ]
        )
    x_train, x_test, y_train, y_test = engine.holdout_split(
        np.asarray(rows), data.y, settings.ML_HOLDOUT_FRACTION
    )
    weights, train_auc = engine.ensemble_optimize(x_train, y_train)
    combined = x_test @ np.asarray([weights[p] for p in engine.ENSEMBLE_PARTS])
    metrics = {
        "train_roc_auc": round(train_auc, 4),
        "holdout_roc_auc": round(float(roc_auc_score(y_test, combined)), 4),
        "holdout_roc_auc_rules_only": round(float(roc_auc_score(y_test, x_test[:, 0])), 4),
        "holdout_samples": len(y_test),
    }
    config.weights = {k: round(v, 4) for k, v in weights.items()}
    config.metrics, config.samples, config.optimized_at = metrics, len(data.y), timezone.now()
    config.save()
    return {
        **ensemble_status(organization=organization),
        "optimized": True,
        "message": f"Weights tuned on {len(y_train)} verdicts, checked on {len(y_test)} held out.",
    }
