"""Scoring threats with the promoted models: ML confidence on incidents, adjusted threat confidence,
shadow scores of running A/B tests. With no promoted model the rules' confidence stands alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
from django.db import transaction

from incidents.ml import engine, selectors
from incidents.ml.features import source_windows, threat_vector
from incidents.ml.models import ABTestScore, ModelKind, ThreatScore
from incidents.models import Incident, Threat

_FORESTS: dict[Any, tuple[Any, np.ndarray]] = {}


def anomaly_model(version) -> tuple[Any, np.ndarray]:
    """The version's isolation forest, refit once per process from its stored (immutable) sample."""
    if version.pk not in _FORESTS:
        if len(_FORESTS) >= 32:
            _FORESTS.pop(next(iter(_FORESTS)))
        sample = np.asarray(version.artefact["sample"])
        _FORESTS[version.pk] = (engine.anomaly_forest(sample), sample)
    return _FORESTS[version.pk]


def threat_window_vectors(organization, threat_ids: list[Any]) -> dict[Any, list[float]]:
    """For each threat, the anomaly features of its source during the hour it started."""
    threats = list(
        Threat.objects.for_organization(organization)
        .filter(pk__in=threat_ids)
        .exclude(source_ip=None)
        .values("pk", "source_ip", "first_seen_at")
    )
    if not threats:
        return {}
    hours = [t["first_seen_at"].replace(minute=0, second=0, microsecond=0) for t in threats]
    rows = selectors.event_rows(organization, start=min(hours), end=max(hours) + timedelta(hours=1))
    sources = {t["source_ip"] for t in threats}
    windows = source_windows(row for row in rows if row["src_ip"] in sources)
    vectors = {}
    for threat, hour in zip(threats, hours, strict=True):
        window = windows.get((threat["source_ip"], hour))
        if window is not None:
            vectors[threat["pk"]] = window.vector()
    return vectors


def threat_scores(organization, threats: list[Threat]) -> list[dict[str, Any]]:
    """Every score of each threat, computed from the rules' own confidence (never a previous ML output)."""
    triage = selectors.promoted_version(organization, ModelKind.TRIAGE)
    anomaly = selectors.promoted_version(organization, ModelKind.ANOMALY)
    originals = selectors.rule_confidences(organization, [t.pk for t in threats])
    weights = selectors.ensemble_config(organization).weights
    windows = threat_window_vectors(organization, [t.pk for t in threats]) if anomaly else {}
    forest = anomaly_model(anomaly) if anomaly else None
    results = []
    for threat in threats:
        rule = originals.get(threat.pk, threat.confidence)
        vector = threat_vector(threat, rule)
        parts: dict[str, float | None] = {"rules": rule, "anomaly": None, "triage": None}
        if triage is not None:
            params = engine.LinearParams.from_dict(triage.artefact["params"])
            parts["triage"] = float(params.probability(np.asarray(vector))[0])
        if forest is not None and threat.pk in windows:
            parts["anomaly"] = float(
                engine.anomaly_scores(forest[0], forest[1], np.asarray(windows[threat.pk]))[0]
            )
        results.append(
            {
                "threat": threat,
                "vector": vector,
                "window": windows.get(threat.pk),
                "parts": parts,
                "combined": engine.ensemble_combine(weights, parts),
                "triage_version": triage.version if triage else None,
                "anomaly_version": anomaly.version if anomaly else None,
            }
        )
    return results


def incident_has_ml_confidence() -> bool:
    return any(field.name == "ml_confidence" for field in Incident._meta.get_fields())


@transaction.atomic
def incident_score(*, organization, incident_id: Any) -> float | None:
    """Score the incident's threats; store the scores, adjust the threats' confidence, fill ml_confidence."""
    incident = Incident.objects.for_organization(organization).filter(pk=incident_id).first()
    if incident is None:
        return None
    threats = list(incident.threats.all())
    if not threats or (
        selectors.promoted_version(organization, ModelKind.TRIAGE) is None
        and selectors.promoted_version(organization, ModelKind.ANOMALY) is None
    ):
        return None  # rules alone
    scored = threat_scores(organization, threats)
    for item in scored:
        threat, parts = item["threat"], item["parts"]
        ThreatScore.objects.for_organization(organization).update_or_create(
            organization=organization,
            threat=threat,
            defaults={
                "rule_confidence": parts["rules"],
                "triage_probability": parts["triage"],
                "anomaly_score": parts["anomaly"],
                "combined": item["combined"],
                "triage_version": item["triage_version"],
                "anomaly_version": item["anomaly_version"],
            },
        )
        Threat.objects.for_organization(organization).filter(pk=threat.pk).update(
            confidence=round(item["combined"], 4)
        )
        _shadow_score(organization, threat, item["vector"])
    confidence = round(max(item["combined"] for item in scored), 4)
    if incident_has_ml_confidence():
        Incident.objects.for_organization(organization).filter(pk=incident.pk).update(
            ml_confidence=confidence
        )
    return confidence


def _shadow_score(organization, threat: Threat, vector: list[float]) -> None:
    """Running A/B tests score each new threat with both versions; neither affects the threat."""
    x = np.asarray(vector)
    for test in selectors.running_ab_tests(organization):
        a = engine.LinearParams.from_dict(test.version_a.artefact["params"])
        b = engine.LinearParams.from_dict(test.version_b.artefact["params"])
        ABTestScore.objects.for_organization(organization).update_or_create(
            organization=organization,
            test=test,
            threat=threat,
            defaults={
                "probability_a": float(a.probability(x)[0]),
                "probability_b": float(b.probability(x)[0]),
            },
        )
