"""Per-feature contributions behind an incident's ML score."""

from __future__ import annotations

from typing import Any

from incidents.ml import engine, selectors
from incidents.ml.features import ANOMALY_FEATURES, TRIAGE_FEATURES
from incidents.ml.models import ModelKind

MAX_THREATS = 20


def incident_explain(*, organization, incident) -> dict[str, Any]:
    from incidents.ml.services.scoring import threat_scores

    triage = selectors.promoted_version(organization, ModelKind.TRIAGE)
    anomaly = selectors.promoted_version(organization, ModelKind.ANOMALY)
    weights = selectors.ensemble_config(organization).weights
    threats = list(incident.threats.order_by("-detected_at")[:MAX_THREATS])
    base: dict[str, Any] = {
        "incident_id": incident.pk,
        "ml_confidence": getattr(incident, "ml_confidence", None),
        "ensemble_weights": weights,
        "triage_version": triage.version if triage else None,
        "anomaly_version": anomaly.version if anomaly else None,
    }
    if triage is None and anomaly is None:
        return {
            **base,
            "mode": "rules_only",
            "threats": [],
            "message": "No model is promoted for this organization yet: its score is the rules' confidence alone.",
        }
    explained = []
    for item in threat_scores(organization, threats):
        threat, parts = item["threat"], item["parts"]
        entry: dict[str, Any] = {
            "threat_id": threat.human_id,
            "rule_confidence": parts["rules"],
            "triage_probability": parts["triage"],
            "anomaly_score": parts["anomaly"],
            "combined": round(item["combined"], 4),
            "triage_contributions": [],
            "anomaly_deviations": [],
        }
        if triage is not None:
            params = engine.LinearParams.from_dict(triage.artefact["params"])
            contributions = params.contributions(item["vector"])
            entry["triage_intercept"] = params.intercept
            entry["triage_contributions"] = sorted(
                (
                    {"feature": name, "value": round(value, 4), "contribution": round(c, 4)}
                    for name, value, c in zip(TRIAGE_FEATURES, item["vector"], contributions, strict=True)
                ),
                key=lambda row: -abs(row["contribution"]),
            )
        if anomaly is not None and item["window"] is not None:
            deviations = engine.robust_deviation(anomaly.artefact["stats"], item["window"])
            entry["anomaly_deviations"] = sorted(
                (
                    {"feature": name, "value": round(value, 4), "deviation": round(d, 4)}
                    for name, value, d in zip(ANOMALY_FEATURES, item["window"], deviations, strict=True)
                ),
                key=lambda row: -abs(row["deviation"]),
            )
        explained.append(entry)
    explained.sort(key=lambda e: -e["combined"])
    top = explained[0] if explained else None
    message = "The incident has no threats to explain."
    if top and top["triage_contributions"]:
        lead = top["triage_contributions"][0]
        message = (
            f"{top['threat_id']} scores {top['combined']:.2f}; its strongest factor is {lead['feature']} "
            f"({lead['contribution']:+.2f} to the log-odds)."
        )
    elif top:
        message = f"{top['threat_id']} scores {top['combined']:.2f}."
    return {**base, "mode": "ml", "threats": explained, "message": message}
