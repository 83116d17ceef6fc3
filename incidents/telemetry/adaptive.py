"""Adaptive detection: per-organization sensitivity (which really moves the confidence floor and the
escalation thresholds, see SENSITIVITY_PROFILES) and a learning cycle that measures the
organization's baseline and its analysts' verdicts, and recommends a sensitivity from them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from incidents.analytics.selectors import statistics_of
from incidents.detection.models import DetectionRule
from incidents.ingest.models import Event
from incidents.threats.models import SENSITIVITY_PROFILES, DetectionSettings, Threat, ThreatStatus
from incidents.threats.selectors import detection_settings
from organizations.services.audit import audit_record

LEARNING_DAYS = 7
# Analysts' verdicts behind a recommendation: fewer and the cycle recommends nothing.
MIN_VERDICTS = 5


def recommended_sensitivity(false_positive_rate: float | None, verdicts: int) -> str | None:
    if false_positive_rate is None or verdicts < MIN_VERDICTS:
        return None
    if false_positive_rate > 0.3:
        return "low"
    if false_positive_rate < 0.05:
        return "high"
    return "medium"


def learning_run(*, organization_id) -> DetectionSettings:
    """Measure the last LEARNING_DAYS: events per hour (avg, p95), threats per day, the share of
    judged threats that were false positives and the noisiest rules; store it as the baseline."""
    now = timezone.now()
    since = now - timedelta(days=LEARNING_DAYS)
    hourly = [
        float(row["n"])
        for row in Event.objects.for_organization(organization_id)
        .filter(timestamp__gte=since)
        .annotate(hour=TruncHour("timestamp"))
        .order_by()
        .values("hour")
        .annotate(n=Count("id"))
    ]
    hourly += [0.0] * max(0, LEARNING_DAYS * 24 - len(hourly))
    verdicts = (
        Threat.objects.for_organization(organization_id)
        .filter(detected_at__gte=since)
        .aggregate(
            total=Count("id"),
            confirmed=Count("id", filter=Q(status=ThreatStatus.MITIGATED)),
            false_positives=Count("id", filter=Q(status=ThreatStatus.FALSE_POSITIVE)),
        )
    )
    judged = verdicts["confirmed"] + verdicts["false_positives"]
    fp_rate = round(verdicts["false_positives"] / judged, 4) if judged else None
    noisy = list(
        DetectionRule.objects.for_organization(organization_id)
        .filter(false_positives__gt=0)
        .order_by(F("false_positives").desc(), "title")
        .values("sigma_id", "title", "false_positives", "threats_confirmed")[:5]
    )
    stats = statistics_of(hourly)
    baseline: dict[str, Any] = {
        "window_days": LEARNING_DAYS,
        "events_per_hour_avg": stats["avg"],
        "events_per_hour_p95": stats["p95"],
        "threats_per_day": round(verdicts["total"] / LEARNING_DAYS, 3),
        "judged_threats": judged,
        "false_positive_rate": fp_rate,
        "noisy_rules": noisy,
        "recommended_sensitivity": recommended_sensitivity(fp_rate, judged),
    }
    with transaction.atomic():
        settings = detection_settings(organization_id)
        settings = (
            DetectionSettings.objects.for_organization(organization_id)
            .select_for_update()
            .get(pk=settings.pk)
        )
        settings.baseline = baseline
        settings.last_learned_at = now
        settings.learning_runs += 1
        settings.save(update_fields=["baseline", "last_learned_at", "learning_runs", "updated_at"])
    return settings


def adaptive_status(organization) -> dict[str, Any]:
    settings = detection_settings(organization)
    return {
        "sensitivity": settings.sensitivity,
        "confidence_floor": settings.confidence_floor,
        "escalation_thresholds": settings.escalation_thresholds,
        "profiles": SENSITIVITY_PROFILES,
        "last_learned_at": settings.last_learned_at,
        "learning_runs": settings.learning_runs,
        "baseline": settings.baseline,
    }


@transaction.atomic
def sensitivity_set(*, organization, sensitivity: str, actor=None, request=None) -> DetectionSettings:
    settings = detection_settings(organization)
    previous = settings.sensitivity
    settings.sensitivity = sensitivity
    settings.full_clean()
    settings.save(update_fields=["sensitivity", "updated_at"])
    audit_record(
        action="detection.sensitivity_changed",
        organization=organization,
        actor=actor,
        target=settings,
        request=request,
        metadata={
            "previous": previous,
            "sensitivity": sensitivity,
            "confidence_floor": settings.confidence_floor,
            "escalation_thresholds": settings.escalation_thresholds,
        },
    )
    return settings
