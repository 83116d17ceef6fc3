"""Read-side summaries the ML and federated endpoints show."""

from __future__ import annotations

from typing import Any

from incidents.ml import selectors
from incidents.ml.features import ANOMALY_FEATURES, TRIAGE_FEATURES
from incidents.ml.models import FederatedParticipant, FederatedRound, ModelKind


def _version_summary(version) -> dict[str, Any] | None:
    if version is None:
        return None
    return {
        "version": version.version,
        "source": version.source,
        "algorithm": version.algorithm,
        "trained_at": version.trained_at,
        "training_samples": version.training_samples,
        "metrics": version.metrics,
    }


def ml_status(*, organization) -> dict[str, Any]:
    triage = selectors.promoted_version(organization, ModelKind.TRIAGE)
    anomaly = selectors.promoted_version(organization, ModelKind.ANOMALY)
    job = selectors.latest_job(organization)
    data = selectors.labeled_threats(organization)
    ok, message = selectors.enough_verdicts(data)
    mode = "ml" if (triage or anomaly) else "rules_only"
    return {
        "mode": mode,
        "message": (
            "Threats are scored by the rules, adjusted by the promoted models."
            if mode == "ml"
            else (message or "No model is promoted yet: POST ml/retrain to train one.")
        ),
        "verdicts": {
            "total": len(data.y),
            "true_positive": data.positives,
            "false_positive": data.negatives,
            "enough_to_train": ok,
        },
        "models": {"triage": _version_summary(triage), "anomaly": _version_summary(anomaly)},
        "features": {"triage": TRIAGE_FEATURES, "anomaly": ANOMALY_FEATURES},
        "last_job": None
        if job is None
        else {
            "id": job.pk,
            "status": job.status,
            "kinds": job.kinds,
            "created_at": job.created_at,
            "finished_at": job.finished_at,
            "message": job.message,
            "result": job.result,
        },
        "ensemble_weights": selectors.ensemble_config(organization).weights,
    }


def models_performance(*, organization, kind: str | None = None) -> list[dict[str, Any]]:
    rows = []
    for version in selectors.versions_of(organization, kind).order_by("kind", "-version"):
        rows.append(
            {
                "kind": version.kind,
                "version": version.version,
                "source": version.source,
                "algorithm": version.algorithm,
                "is_promoted": version.is_promoted,
                "promotion_reason": version.promotion_reason,
                "trained_at": version.trained_at,
                "training_samples": version.training_samples,
                "holdout_samples": version.holdout_samples,
                "metrics": version.metrics,
                "baseline_metrics": version.baseline_metrics,
            }
        )
    return rows


def federated_status(*, organization) -> dict[str, Any]:
    coordinator = selectors.coordinator()
    participant = selectors.participant_of(organization)
    last = (
        FederatedRound.objects.filter(coordinator=coordinator).order_by("-number").first()
        if coordinator
        else None
    )
    return {
        "coordinator": None
        if coordinator is None
        else {
            "initialized": True,
            "epsilon": coordinator.epsilon,
            "delta": _delta(),
            "min_participants": coordinator.min_participants,
            "global_version": coordinator.global_version,
            "differential_privacy": coordinator.epsilon is not None,
        },
        "participant": _participant(participant),
        "participants": FederatedParticipant.objects.unscoped().filter(opted_in=True).count(),
        "last_round": _round(last),
    }


def _delta() -> float:
    from django.conf import settings

    return settings.FEDERATED_DP_DELTA


def _participant(participant) -> dict[str, Any] | None:
    if participant is None:
        return None
    return {
        "opted_in": participant.opted_in,
        "local_samples": participant.local_samples,
        "local_metrics": participant.local_metrics,
        "local_trained_at": participant.local_trained_at,
        "last_round": participant.last_round,
        "adopted_global_version": participant.adopted_global_version,
        "last_offer": participant.last_offer,
    }


def _round(item) -> dict[str, Any] | None:
    if item is None:
        return None
    return {
        "id": item.pk,
        "number": item.number,
        "status": item.status,
        "participants": item.participants,
        "total_samples": item.total_samples,
        "noise_sigma": item.noise_sigma,
        "message": item.message,
        "started_at": item.started_at,
        "finished_at": item.finished_at,
    }


def federated_models_status(*, organization) -> dict[str, Any]:
    coordinator = selectors.coordinator()
    participant = selectors.participant_of(organization)
    return {
        "global_model": None
        if not coordinator or not coordinator.global_params
        else {
            "version": coordinator.global_version,
            "samples": coordinator.global_params.get("samples"),
            "feature_names": TRIAGE_FEATURES,
        },
        "local_model": _participant(participant),
        "triage_in_use": _version_summary(selectors.promoted_version(organization, ModelKind.TRIAGE)),
    }


def federated_insights(*, organization) -> dict[str, Any]:
    """Aggregates only: what the federation learned, never anyone's data."""
    coordinator = selectors.coordinator()
    rounds = (
        list(FederatedRound.objects.filter(coordinator=coordinator).order_by("-number")[:20])
        if coordinator
        else []
    )
    weights = []
    if coordinator and coordinator.global_params:
        weights = sorted(
            (
                {"feature": n, "weight": round(w, 4)}
                for n, w in zip(TRIAGE_FEATURES, coordinator.global_params["coef"], strict=True)
            ),
            key=lambda row: -abs(row["weight"]),
        )
    participant = selectors.participant_of(organization)
    offer = participant.last_offer if participant else {}
    return {
        "global_feature_weights": weights,
        "rounds": [_round(r) for r in rounds],
        "comparison": offer or None,
        "message": (
            "The federation's model weighs these features most; positive weights point to true positives."
            if weights
            else "No federated round has completed yet."
        ),
    }
