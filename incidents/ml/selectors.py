"""Reads of the ML domain: labeled verdicts, feature rows, versions, job state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Q

from incidents.ml.features import ANOMALY_FEATURES, TRIAGE_FEATURES, matrix, source_windows, threat_vector
from incidents.ml.models import (
    ABTest,
    EnsembleConfig,
    FederatedCoordinator,
    FederatedParticipant,
    ModelKind,
    ModelVersion,
    ThreatScore,
    TrainingJob,
)
from incidents.models import Event, Threat

# Incident statuses that carry an analyst's verdict (the incidents workspace sets them).
TRUE_POSITIVE_STATUSES = ("resolved",)
FALSE_POSITIVE_STATUSES = ("false_positive",)


@dataclass
class LabeledData:
    x: np.ndarray
    y: np.ndarray
    threat_ids: list[Any]
    verdict_at: list[datetime]

    @property
    def positives(self) -> int:
        return int(self.y.sum())

    @property
    def negatives(self) -> int:
        return int(len(self.y) - self.y.sum())


def _label(threat: Threat) -> int | None:
    incident_status = threat.incident.status if threat.incident_id and threat.incident else None
    if threat.status == "false_positive" or incident_status in FALSE_POSITIVE_STATUSES:
        return 0
    if incident_status in TRUE_POSITIVE_STATUSES or threat.status == "mitigated":
        return 1
    return None


def rule_confidences(organization, threat_ids: list[Any]) -> dict[Any, float]:
    """The rules' own confidence of threats the ML already adjusted (ThreatScore keeps it)."""
    rows = ThreatScore.objects.for_organization(organization).filter(threat_id__in=threat_ids)
    return dict(rows.values_list("threat_id", "rule_confidence"))


def labeled_threats(organization, *, since: datetime | None = None) -> LabeledData:
    """Threats with an analyst's verdict, newest first, as triage feature rows and labels."""
    verdict = Q(status__in=["false_positive", "mitigated"]) | Q(
        incident__status__in=[*TRUE_POSITIVE_STATUSES, *FALSE_POSITIVE_STATUSES]
    )
    queryset = Threat.objects.for_organization(organization).filter(verdict).select_related("incident")
    if since is not None:
        queryset = queryset.filter(Q(updated_at__gt=since) | Q(incident__updated_at__gt=since))
    threats = list(queryset.order_by("-detected_at")[: settings.ML_MAX_TRAINING_ROWS])
    originals = rule_confidences(organization, [t.pk for t in threats])
    rows, labels, ids, at = [], [], [], []
    for threat in threats:
        label = _label(threat)
        if label is None:
            continue
        rows.append(threat_vector(threat, originals.get(threat.pk)))
        labels.append(label)
        ids.append(threat.pk)
        moments = [threat.updated_at] + ([threat.incident.updated_at] if threat.incident_id else [])
        at.append(max(moments))
    return LabeledData(matrix(rows, len(TRIAGE_FEATURES)), np.asarray(labels, dtype=int), ids, at)


def enough_verdicts(data: LabeledData) -> tuple[bool, str]:
    need, per_class = settings.ML_MIN_VERDICTS, settings.ML_MIN_VERDICTS_PER_CLASS
    if len(data.y) < need or data.positives < per_class or data.negatives < per_class:
        return False, (
            f"Not enough analysts' verdicts to train the triage model: {len(data.y)} labeled threats "
            f"({data.positives} true positives, {data.negatives} false positives); it needs {need}, with "
            f"at least {per_class} of each. Until then threats are scored by the detection rules alone."
        )
    return True, ""


def event_rows(organization, *, start: datetime | None = None, end: datetime | None = None) -> list[dict]:
    queryset = Event.objects.for_organization(organization).exclude(src_ip=None)
    if start is not None:
        queryset = queryset.filter(timestamp__gte=start)
    if end is not None:
        queryset = queryset.filter(timestamp__lt=end)
    fields = ("src_ip", "timestamp", "dst_port", "user", "dst_ip", "action", "outcome")
    return list(queryset.order_by("-timestamp").values(*fields)[: settings.ML_MAX_TRAINING_ROWS])


def window_matrix(organization, **window) -> tuple[np.ndarray, list[tuple[str, datetime]]]:
    windows = source_windows(event_rows(organization, **window))
    keys = sorted(windows)
    return matrix([windows[k].vector() for k in keys], len(ANOMALY_FEATURES)), keys


def promoted_version(organization, kind: str) -> ModelVersion | None:
    return ModelVersion.objects.for_organization(organization).filter(kind=kind, is_promoted=True).first()


def versions_of(organization, kind: str | None = None):
    queryset = ModelVersion.objects.for_organization(organization).defer("artefact")
    return queryset.filter(kind=kind) if kind else queryset


def latest_job(organization) -> TrainingJob | None:
    return TrainingJob.objects.for_organization(organization).order_by("-created_at").first()


def ensemble_config(organization) -> EnsembleConfig:
    config, _ = EnsembleConfig.objects.for_organization(organization).get_or_create(organization=organization)
    return config


def running_ab_tests(organization) -> list[ABTest]:
    return list(
        ABTest.objects.for_organization(organization)
        .filter(status="running")
        .select_related("version_a", "version_b")
    )


def coordinator() -> FederatedCoordinator | None:
    return FederatedCoordinator.objects.order_by("created_at").first()


def participant_of(organization) -> FederatedParticipant | None:
    return FederatedParticipant.objects.for_organization(organization).first()


def model_kinds() -> list[str]:
    return list(ModelKind.values)
