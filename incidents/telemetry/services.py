"""Writes of the telemetry surface: auto-containment settings and clearing an organization's data."""

from __future__ import annotations

from django.db import transaction

from config.api.errors import ApplicationError, ErrorCode
from incidents.detection.models import CorrelationHit
from incidents.ingest.models import Event, IngestBatch
from incidents.simulation.models import AttackSimulation
from incidents.threats.models import DetectionSettings, Incident, Threat
from incidents.threats.selectors import detection_settings
from organizations.services.audit import audit_record


@transaction.atomic
def auto_contain_set(
    *, organization, auto_contain: bool, min_severity: str | None = None, actor=None, request=None
) -> DetectionSettings:
    settings = detection_settings(organization)
    previous = {"auto_contain": settings.auto_contain, "min_severity": settings.auto_contain_min_severity}
    settings.auto_contain = auto_contain
    if min_severity is not None:
        settings.auto_contain_min_severity = min_severity
    settings.save(update_fields=["auto_contain", "auto_contain_min_severity", "updated_at"])
    audit_record(
        action="detection.auto_contain_changed",
        organization=organization,
        actor=actor,
        target=settings,
        request=request,
        metadata={
            "previous": previous,
            "auto_contain": auto_contain,
            "min_severity": settings.auto_contain_min_severity,
        },
    )
    return settings


@transaction.atomic
def organization_telemetry_clear(*, organization, confirm: str, actor=None, request=None) -> dict[str, int]:
    """Delete the organization's events, batches, threats, incidents and simulations (only its own),
    once the caller typed the organization's slug; sensors, rules, indicators and settings stay."""
    if confirm != organization.slug:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "Type the organization's slug in `confirm` to clear its data.",
            {"confirm": [f"Must be {organization.slug!r}."]},
        )
    counts: dict[str, int] = {}
    for label, queryset in (
        ("threats", Threat.objects.for_organization(organization)),
        ("incidents", Incident.objects.for_organization(organization)),
        ("simulations", AttackSimulation.objects.for_organization(organization)),
        ("correlation_hits", CorrelationHit.objects.for_organization(organization)),
        ("events", Event.objects.for_organization(organization)),
        ("ingest_batches", IngestBatch.objects.for_organization(organization)),
    ):
        counts[label] = queryset.count()
        queryset.delete()
    audit_record(
        action="organization.telemetry_cleared",
        organization=organization,
        actor=actor,
        request=request,
        metadata=counts,
    )
    return counts
