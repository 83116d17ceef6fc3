"""How the ML app hooks into the incident workspace without the core importing it."""

from __future__ import annotations

from typing import Any

from config.tasks import enqueue
from incidents.ml.models import ModelKind, ThreatScore


def on_incident_saved(sender, *, organization, incident, created: bool = False, **kwargs) -> None:
    from incidents.ml.tasks import score_incident

    enqueue(score_incident, organization_id=str(organization.pk), incident_id=str(incident.pk))


def incident_ml_section(incident) -> dict[str, Any]:
    """The "ml" section of an incident's detail: its ML confidence and each threat's scores."""
    scores = ThreatScore.objects.for_organization(incident.organization_id).filter(threat__incident=incident)
    rows = [
        {
            "threat_id": str(score.threat_id),
            "rule_confidence": score.rule_confidence,
            "triage_probability": score.triage_probability,
            "anomaly_score": score.anomaly_score,
            "combined": score.combined,
            "triage_version": score.triage_version,
            "anomaly_version": score.anomaly_version,
        }
        for score in scores
    ]
    return {
        "ml_confidence": getattr(incident, "ml_confidence", None),
        "mode": "ml" if rows else "rules_only",
        "models": list(ModelKind.values),
        "threat_scores": rows,
    }
