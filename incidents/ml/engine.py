"""The numerical core, free of Django: training, evaluation, drift, federated averaging, ensembles.

Linear triage models are kept as plain parameters (coefficients and intercept), so they can be
stored as JSON, updated with partial_fit, explained feature by feature and averaged across
organizations.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats
from sklearn.ensemble import IsolationForest
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import train_test_split

SEED = 20260101


@dataclass
class LinearParams:
    coef: list[float]
    intercept: float
    samples: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"coef": self.coef, "intercept": self.intercept, "samples": self.samples}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearParams:
        return cls(
            coef=[float(c) for c in data["coef"]],
            intercept=float(data["intercept"]),
            samples=int(data.get("samples", 0)),
        )

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = np.clip(np.atleast_2d(x) @ np.asarray(self.coef) + self.intercept, -30, 30)
        return 1.0 / (1.0 + np.exp(-z))

    def contributions(self, x: list[float]) -> list[float]:
        return [float(c * v) for c, v in zip(self.coef, x, strict=True)]


def holdout_split(
    x: np.ndarray, y: np.ndarray, fraction: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A stratified, reproducible split (the same rows every time for the same data)."""
    return train_test_split(x, y, test_size=fraction, random_state=SEED, stratify=y)


def triage_fit(x: np.ndarray, y: np.ndarray) -> LinearParams:
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    model.fit(x, y)
    return LinearParams(
        coef=[float(c) for c in model.coef_[0]], intercept=float(model.intercept_[0]), samples=len(y)
    )


def triage_partial_fit(
    params: LinearParams, x: np.ndarray, y: np.ndarray, *, passes: int = 5
) -> LinearParams:
    """Incremental update of existing parameters with new verdicts (SGD on the log loss)."""
    model = SGDClassifier(loss="log_loss", learning_rate="constant", eta0=0.05, alpha=1e-4, random_state=SEED)
    model.coef_ = np.asarray([params.coef], dtype=float)
    model.intercept_ = np.asarray([params.intercept], dtype=float)
    model.classes_ = np.asarray([0, 1])
    model.t_ = 1.0
    model.n_features_in_ = len(params.coef)
    for _ in range(passes):
        model.partial_fit(x, y, classes=np.asarray([0, 1]))
    return LinearParams(
        coef=[float(c) for c in model.coef_[0]],
        intercept=float(model.intercept_[0]),
        samples=params.samples + len(y),
    )


def classification_metrics(y: np.ndarray, probability: np.ndarray, threshold: float = 0.5) -> dict[str, Any]:
    predicted = (probability >= threshold).astype(int)
    matrix = confusion_matrix(y, predicted, labels=[0, 1])
    try:
        auc = float(roc_auc_score(y, probability)) if len(set(y.tolist())) > 1 else None
    except ValueError:
        auc = None
    return {
        "precision": round(float(precision_score(y, predicted, zero_division=0)), 4),
        "recall": round(float(recall_score(y, predicted, zero_division=0)), 4),
        "f1": round(float(f1_score(y, predicted, zero_division=0)), 4),
        "accuracy": round(float(accuracy_score(y, predicted)), 4),
        "roc_auc": None if auc is None else round(auc, 4),
        "confusion_matrix": {
            "true_negative": int(matrix[0][0]),
            "false_positive": int(matrix[0][1]),
            "false_negative": int(matrix[1][0]),
            "true_positive": int(matrix[1][1]),
        },
        "samples": len(y),
    }


def baseline_metrics(y_train: np.ndarray, y_test: np.ndarray) -> dict[str, Any]:
    """The trivial baseline: always predict the training set's majority class."""
    majority = 1 if y_train.mean() >= 0.5 else 0
    return classification_metrics(y_test, np.full(len(y_test), float(majority)))


def score_of(metrics: dict[str, Any]) -> float:
    """What promotion compares: F1, tie-broken by ROC AUC."""
    return float(metrics.get("f1") or 0.0) + 1e-3 * float(metrics.get("roc_auc") or 0.0)


# ---- anomaly --------------------------------------------------------------------------------


def anomaly_forest(sample: np.ndarray) -> IsolationForest:
    """Refit deterministically from the stored sample (same sample, same forest)."""
    return IsolationForest(n_estimators=100, random_state=SEED, contamination="auto").fit(sample)


def anomaly_scores(forest: IsolationForest, reference: np.ndarray, x: np.ndarray) -> np.ndarray:
    """0..1: the share of the training windows that are less anomalous than each row."""
    ref = np.sort(-forest.score_samples(reference))
    values = -forest.score_samples(np.atleast_2d(x))
    return np.searchsorted(ref, values, side="right") / max(len(ref), 1)


def robust_stats(sample: np.ndarray) -> dict[str, list[float]]:
    median = np.median(sample, axis=0)
    q1, q3 = np.percentile(sample, 25, axis=0), np.percentile(sample, 75, axis=0)
    spread = np.where((q3 - q1) > 1e-9, q3 - q1, np.maximum(np.std(sample, axis=0), 1e-3))
    return {"median": median.tolist(), "spread": spread.tolist()}


def robust_deviation(stats_: dict[str, list[float]], x: list[float]) -> list[float]:
    return [
        (value - median) / spread
        for value, median, spread in zip(x, stats_["median"], stats_["spread"], strict=True)
    ]


# ---- drift ----------------------------------------------------------------------------------


def population_stability_index(expected: np.ndarray, actual: np.ndarray, bins: int = 10) -> float:
    """PSI over the expected sample's quantile bins (a small floor keeps empty bins finite)."""
    edges = np.unique(np.quantile(expected, np.linspace(0, 1, bins + 1)))
    if len(edges) < 2:
        edges = np.array([expected.min() - 0.5, expected.min() + 0.5])
    edges[0], edges[-1] = -np.inf, np.inf
    e = np.histogram(expected, edges)[0] / max(len(expected), 1)
    a = np.histogram(actual, edges)[0] / max(len(actual), 1)
    e, a = np.clip(e, 1e-4, None), np.clip(a, 1e-4, None)
    return float(np.sum((a - e) * np.log(a / e)))


def feature_drift(
    names: list[str], reference: np.ndarray, recent: np.ndarray, *, psi_threshold: float, ks_alpha: float
) -> list[dict[str, Any]]:
    report = []
    for index, name in enumerate(names):
        expected, actual = reference[:, index], recent[:, index]
        psi = population_stability_index(expected, actual)
        ks = stats.ks_2samp(expected, actual)
        p_value = float(ks.pvalue)
        report.append(
            {
                "feature": name,
                "psi": round(psi, 4),
                "ks_statistic": round(float(ks.statistic), 4),
                "ks_p_value": p_value,
                "drifted": bool(psi > psi_threshold or p_value < ks_alpha),
            }
        )
    return report


# ---- federated ------------------------------------------------------------------------------


def clip_params(params: LinearParams, norm: float) -> LinearParams:
    vector = np.asarray([*params.coef, params.intercept])
    length = float(np.linalg.norm(vector))
    if length <= norm or length == 0:
        return params
    scaled = vector * (norm / length)
    return LinearParams(coef=scaled[:-1].tolist(), intercept=float(scaled[-1]), samples=params.samples)


def federated_average(updates: list[LinearParams]) -> LinearParams:
    """FedAvg: the sample-weighted mean of the participants' parameters."""
    total = sum(u.samples for u in updates)
    if total == 0:
        raise ValueError("No samples to average.")
    coef = np.sum([np.asarray(u.coef) * u.samples for u in updates], axis=0) / total
    intercept = sum(u.intercept * u.samples for u in updates) / total
    return LinearParams(coef=coef.tolist(), intercept=float(intercept), samples=total)


def gaussian_sigma(*, epsilon: float, delta: float, clip_norm: float, participants: int) -> float:
    """The Gaussian mechanism's noise scale for (epsilon, delta)-DP of the averaged parameters.

    One participant changes the sample-weighted average by at most 2 * clip_norm / participants
    when weights are equal; we use that L2 sensitivity:
    sigma = sensitivity * sqrt(2 ln(1.25 / delta)) / epsilon.
    """
    sensitivity = 2 * clip_norm / max(participants, 1)
    return sensitivity * math.sqrt(2 * math.log(1.25 / delta)) / epsilon


def add_noise(params: LinearParams, sigma: float, *, seed: int | None = None) -> LinearParams:
    rng = np.random.default_rng(seed)
    coef = np.asarray(params.coef) + rng.normal(0.0, sigma, len(params.coef))
    return LinearParams(
        coef=coef.tolist(), intercept=float(params.intercept + rng.normal(0.0, sigma)), samples=params.samples
    )


# ---- ensemble and significance --------------------------------------------------------------

ENSEMBLE_PARTS = ("rules", "anomaly", "triage")


def ensemble_combine(weights: dict[str, float], parts: dict[str, float | None]) -> float:
    """The weighted mean of the available scores (a missing score drops out of the mean)."""
    used = {name: w for name, w in weights.items() if w > 0 and parts.get(name) is not None}
    if not used:
        return float(parts.get("rules") or 0.0)
    total = sum(used.values())
    return float(sum(w * float(parts[name] or 0.0) for name, w in used.items()) / total)


def ensemble_optimize(scores: np.ndarray, y: np.ndarray, step: float = 0.1) -> tuple[dict[str, float], float]:
    """Grid search over the simplex of weights (rules, anomaly, triage) for the best ROC AUC."""
    best: tuple[float, dict[str, float]] | None = None
    ticks = [round(i * step, 6) for i in range(round(1 / step) + 1)]
    for w_rules, w_anomaly in itertools.product(ticks, ticks):
        w_triage = round(1 - w_rules - w_anomaly, 6)
        if w_triage < -1e-9:
            continue
        weights = np.asarray([w_rules, w_anomaly, max(w_triage, 0.0)])
        combined = scores @ weights
        try:
            auc = float(roc_auc_score(y, combined))
        except ValueError:
            continue
        # Prefer the simpler (rules-heavier) mix on ties.
        if best is None or auc > best[0] + 1e-9:
            best = (auc, dict(zip(ENSEMBLE_PARTS, weights.tolist(), strict=True)))
    if best is None:
        return {"rules": 1.0, "anomaly": 0.0, "triage": 0.0}, 0.0
    return best[1], best[0]


def mcnemar(correct_a: np.ndarray, correct_b: np.ndarray) -> dict[str, Any]:
    """Exact McNemar test on paired predictions: do A and B err on different cases more than chance?"""
    only_a = int(np.sum(correct_a & ~correct_b))
    only_b = int(np.sum(~correct_a & correct_b))
    discordant = only_a + only_b
    p_value = 1.0 if discordant == 0 else float(stats.binomtest(only_a, discordant, 0.5).pvalue)
    return {"test": "mcnemar_exact", "only_a_correct": only_a, "only_b_correct": only_b, "p_value": p_value}
