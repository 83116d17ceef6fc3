"""Online learning: the promoted triage model takes new verdicts in with partial_fit."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.conf import settings

from incidents.ml import engine, selectors
from incidents.ml.models import ModelKind, VersionSource
from incidents.ml.services.training import triage_store


def online_status(*, organization) -> dict[str, Any]:
    current = selectors.promoted_version(organization, ModelKind.TRIAGE)
    if current is None:
        data = selectors.labeled_threats(organization)
        _ok, message = selectors.enough_verdicts(data)
        return {
            "enabled": False,
            "mode": "rules_only",
            "current_version": None,
            "trained_at": None,
            "new_verdicts": len(data.y),
            "updates": 0,
            "message": message or "No triage model is promoted yet: retrain first.",
        }
    new = selectors.labeled_threats(organization, since=current.trained_at)
    updates = (
        selectors.versions_of(organization, ModelKind.TRIAGE).filter(source=VersionSource.ONLINE).count()
    )
    return {
        "enabled": True,
        "mode": "ml",
        "current_version": current.version,
        "trained_at": current.trained_at,
        "new_verdicts": len(new.y),
        "updates": updates,
        "message": f"{len(new.y)} verdicts arrived since v{current.version} was trained.",
    }


def online_adapt(*, organization) -> dict[str, Any]:
    current = selectors.promoted_version(organization, ModelKind.TRIAGE)
    if current is None:
        return {
            "adapted": False,
            "promoted": False,
            "version": None,
            "new_verdicts": 0,
            "metrics": {},
            "message": "No triage model is promoted yet: retrain first (online updates refine a model).",
        }
    new = selectors.labeled_threats(organization, since=current.trained_at)
    if len(new.y) == 0:
        return {
            "adapted": False,
            "promoted": False,
            "version": current.version,
            "new_verdicts": 0,
            "metrics": {},
            "message": f"No verdicts since v{current.version} was trained: nothing to learn from.",
        }
    params = engine.triage_partial_fit(
        engine.LinearParams.from_dict(current.artefact["params"]), new.x, new.y
    )
    everything = selectors.labeled_threats(organization)
    if len(set(everything.y.tolist())) < 2 or len(everything.y) < 4:
        x_test, y_test, y_train = everything.x, everything.y, everything.y
    else:
        _xt, x_test, y_train, y_test = engine.holdout_split(
            everything.x, everything.y, settings.ML_HOLDOUT_FRACTION
        )
    result = triage_store(
        organization=organization,
        params=params,
        x_test=x_test,
        y_test=y_test,
        y_train=np.asarray(y_train),
        reference=everything.x,
        source=VersionSource.ONLINE,
        training_samples=params.samples,
        allow_equal=True,
    )
    return {
        "adapted": True,
        "promoted": result["promoted"],
        "version": result["version"],
        "new_verdicts": len(new.y),
        "metrics": result["metrics"],
        "message": result["message"],
    }
