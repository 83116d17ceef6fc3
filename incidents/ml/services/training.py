"""Retraining: a job row, a Celery task, versions promoted only when they beat the promoted one."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.tasks import enqueue
from incidents.ml import engine, selectors
from incidents.ml.features import ANOMALY_FEATURES, TRIAGE_FEATURES
from incidents.ml.models import JobStatus, ModelKind, TrainingJob, VersionSource
from incidents.ml.services.versions import version_store

REFERENCE_ROWS = 500  # rows of the training data kept with a version for drift checks


def _reference(x: np.ndarray) -> list[list[float]]:
    if len(x) <= REFERENCE_ROWS:
        return x.tolist()
    picks = np.random.default_rng(engine.SEED).choice(len(x), REFERENCE_ROWS, replace=False)
    return x[np.sort(picks)].tolist()


@transaction.atomic
def retrain_request(*, organization, user, kinds: list[str]) -> TrainingJob:
    from incidents.ml.tasks import retrain

    job = TrainingJob.objects.create(
        organization=organization,
        kinds=kinds or list(ModelKind.values),
        requested_by=user if getattr(user, "pk", None) and hasattr(user, "email") else None,
    )
    enqueue(retrain, organization_id=str(organization.pk), job_id=str(job.pk))
    return job


def training_run(*, organization, job_id: str) -> TrainingJob | None:
    """The task's body; a finished job is left alone (safe to run twice)."""
    with transaction.atomic():
        job = TrainingJob.objects.for_organization(organization).select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
            return job
        job.status, job.started_at = JobStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at", "updated_at"])
    result: dict[str, Any] = {}
    if ModelKind.TRIAGE in job.kinds:
        result[ModelKind.TRIAGE] = triage_train(organization=organization)
    if ModelKind.ANOMALY in job.kinds:
        result[ModelKind.ANOMALY] = anomaly_train(organization=organization)
    trained = [r for r in result.values() if r["status"] == JobStatus.COMPLETED]
    job.status = JobStatus.COMPLETED if trained else JobStatus.INSUFFICIENT_DATA
    job.result = result
    job.message = " ".join(r["message"] for r in result.values())[:500]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "message", "finished_at", "updated_at"])
    return job


def triage_train(*, organization) -> dict[str, Any]:
    data = selectors.labeled_threats(organization)
    ok, message = selectors.enough_verdicts(data)
    if not ok:
        return {"status": JobStatus.INSUFFICIENT_DATA, "message": message}
    x_train, x_test, y_train, y_test = engine.holdout_split(data.x, data.y, settings.ML_HOLDOUT_FRACTION)
    params = engine.triage_fit(x_train, y_train)
    return triage_store(
        organization=organization,
        params=params,
        x_test=x_test,
        y_test=y_test,
        y_train=y_train,
        reference=data.x,
        source=VersionSource.RETRAIN,
        training_samples=len(y_train),
    )


def triage_store(
    *,
    organization,
    params: engine.LinearParams,
    x_test: np.ndarray,
    y_test: np.ndarray,
    y_train: np.ndarray,
    reference: np.ndarray,
    source: str,
    training_samples: int,
    allow_equal: bool = False,
) -> dict[str, Any]:
    """Evaluate a candidate and the promoted version on the same held-out rows; promote on improvement."""
    metrics = engine.classification_metrics(y_test, params.probability(x_test))
    metrics["trivial_baseline"] = engine.baseline_metrics(y_train, y_test)
    current = selectors.promoted_version(organization, ModelKind.TRIAGE)
    baseline: dict[str, Any] = {}
    if current is None:
        promote, reason = True, "First triage model of the organization."
    else:
        current_params = engine.LinearParams.from_dict(current.artefact["params"])
        baseline = engine.classification_metrics(y_test, current_params.probability(x_test))
        baseline["version"] = current.version
        new, old = engine.score_of(metrics), engine.score_of(baseline)
        promote = new > old or (allow_equal and new >= old)
        reason = (
            f"F1 {metrics['f1']} vs v{current.version}'s {baseline['f1']} on the same held-out split: "
            + ("promoted." if promote else f"v{current.version} stays promoted.")
        )
    version = version_store(
        organization=organization,
        kind=ModelKind.TRIAGE,
        source=source,
        algorithm="logistic_regression" if source == VersionSource.RETRAIN else "sgd_log_loss_partial_fit",
        feature_names=TRIAGE_FEATURES,
        artefact={"params": params.as_dict(), "reference": _reference(reference)},
        metrics=metrics,
        baseline_metrics=baseline,
        training_stats={"positives": int(y_train.sum()), "negatives": int(len(y_train) - y_train.sum())},
        training_samples=training_samples,
        holdout_samples=len(y_test),
        promote=promote,
        reason=reason,
    )
    return {
        "status": JobStatus.COMPLETED,
        "version": version.version,
        "promoted": promote,
        "metrics": metrics,
        "message": f"Triage v{version.version}: {reason}",
    }


def anomaly_train(*, organization) -> dict[str, Any]:
    x, _keys = selectors.window_matrix(organization)
    if len(x) < settings.ML_MIN_ANOMALY_WINDOWS:
        return {
            "status": JobStatus.INSUFFICIENT_DATA,
            "message": (
                f"Not enough event history for the anomaly model: {len(x)} source-hour windows, it needs "
                f"{settings.ML_MIN_ANOMALY_WINDOWS}."
            ),
        }
    sample = np.asarray(_reference(x))
    forest = engine.anomaly_forest(sample)
    metrics: dict[str, Any] = {"windows": len(x), "sample": len(sample)}
    current = selectors.promoted_version(organization, ModelKind.ANOMALY)
    labeled = selectors.labeled_threats(organization)
    baseline: dict[str, Any] = {}
    auc = _anomaly_auc(organization, forest, sample, labeled)
    metrics["roc_auc_on_verdicts"] = auc
    if current is None:
        promote, reason = True, "First anomaly model of the organization."
    else:
        old_sample = np.asarray(current.artefact["sample"])
        old_auc = _anomaly_auc(organization, engine.anomaly_forest(old_sample), old_sample, labeled)
        baseline = {
            "version": current.version,
            "roc_auc_on_verdicts": old_auc,
            "windows": current.training_samples,
        }
        if auc is not None and old_auc is not None:
            promote = auc > old_auc
            reason = f"ROC AUC on analysts' verdicts {auc} vs v{current.version}'s {old_auc}."
        else:
            # Without verdicts to compare on, a model fitted on at least twice the history replaces the old one.
            promote = len(x) >= 2 * current.training_samples
            reason = (
                f"No verdicts to compare on; {len(x)} windows vs v{current.version}'s "
                f"{current.training_samples} (replaced only at twice the history)."
            )
    version = version_store(
        organization=organization,
        kind=ModelKind.ANOMALY,
        source=VersionSource.RETRAIN,
        algorithm="isolation_forest",
        feature_names=ANOMALY_FEATURES,
        artefact={"sample": sample.tolist(), "stats": engine.robust_stats(sample)},
        metrics=metrics,
        baseline_metrics=baseline,
        training_stats={"windows": len(x)},
        training_samples=len(x),
        holdout_samples=0,
        promote=promote,
        reason=reason,
    )
    return {
        "status": JobStatus.COMPLETED,
        "version": version.version,
        "promoted": promote,
        "metrics": metrics,
        "message": f"Anomaly v{version.version}: {reason}",
    }


def _anomaly_auc(organization, forest, sample, labeled: selectors.LabeledData) -> float | None:
    from incidents.ml.services.scoring import threat_window_vectors

    if labeled.positives < 3 or labeled.negatives < 3:
        return None
    vectors = threat_window_vectors(organization, labeled.threat_ids)
    rows = [i for i, tid in enumerate(labeled.threat_ids) if tid in vectors]
    if len(rows) < 6:
        return None
    x = np.asarray([vectors[labeled.threat_ids[i]] for i in rows])
    y = labeled.y[rows]
    if len(set(y.tolist())) < 2:
        return None
    scores = engine.anomaly_scores(forest, sample, x)
    return engine.classification_metrics(y, scores)["roc_auc"]
