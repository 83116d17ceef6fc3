"""Which incident a new threat joins: one sharing a specific observable (source ip, file hash,
honeypot session) within the grouping window, and the observables every incident keeps for
correlation and for ranking similar incidents."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q

from incidents.threats.models import (
    GROUPING_KINDS,
    Incident,
    IncidentObservable,
    IncidentStatus,
    ObservableKind,
    Threat,
)

# Incidents a new threat may still join: nobody has closed them.
JOINABLE = (IncidentStatus.OPEN, IncidentStatus.INVESTIGATING)


def threat_observables(threat: Threat) -> set[tuple[str, str]]:
    iocs = threat.iocs or {}
    found: set[tuple[str, str]] = set()
    if threat.source_ip:
        found.add((ObservableKind.IP, threat.source_ip))
    for value in iocs.get("hashes", []):
        found.add((ObservableKind.HASH, str(value)[:300]))
    for value in iocs.get("sessions", []):
        found.add((ObservableKind.SESSION, str(value)[:300]))
    for value in iocs.get("users", []):
        found.add((ObservableKind.USER, str(value)[:300]))
    if threat.target:
        found.add(
            (
                ObservableKind.HOST,
                threat.target.rsplit(":", 1)[0][:300]
                if threat.target.count(":") == 1
                else threat.target[:300],
            )
        )
    return found


def incident_to_join(*, threat: Threat) -> Incident | None:
    """The most recent joinable incident within the window sharing a grouping observable, locked."""
    window = timedelta(seconds=settings.DETECTION_INCIDENT_WINDOW_SECONDS)
    grouping = [(k, v) for k, v in threat_observables(threat) if k in GROUPING_KINDS]
    if not grouping:
        return None
    incidents = Incident.objects.for_organization(threat.organization_id).filter(
        status__in=JOINABLE, last_seen_at__gte=threat.first_seen_at - window, merged_into__isnull=True
    )
    candidates = IncidentObservable.objects.for_organization(threat.organization_id).filter(
        kind__in={k for k, _ in grouping}, value__in={v for _, v in grouping}
    )
    wanted = set(grouping)
    ids = [
        pk
        for pk, kind, value in candidates.values_list("incident_id", "kind", "value")
        if (kind, value) in wanted
    ]
    if threat.source_ip:
        # Incidents opened before observables were kept still group by their source ip.
        ids.extend(incidents.filter(source_ip=threat.source_ip).values_list("pk", flat=True)[:20])
    if not ids:
        return None
    return incidents.select_for_update().filter(pk__in=set(ids)).order_by("-last_seen_at").first()


def observables_record(*, incident: Incident, threat: Threat) -> None:
    rows = [
        IncidentObservable(
            organization_id=incident.organization_id, incident=incident, kind=kind, value=value
        )
        for kind, value in sorted(threat_observables(threat))
    ]
    if rows:
        IncidentObservable.objects.bulk_create(rows, ignore_conflicts=True)


def joinable_incidents(
    *, organization, observables: set[tuple[str, str]], since: datetime
) -> dict[tuple[str, str], list[Incident]]:
    """incident_to_join for a whole batch: every joinable incident seen since `since` that shares
    one of these grouping observables, locked, indexed by observable. Two queries however many
    threats the batch holds (the observable lookup, in chunks of 500 values, and the locked
    incidents)."""
    grouping = {(k, v) for k, v in observables if k in GROUPING_KINDS}
    if not grouping:
        return {}
    values = sorted({v for _k, v in grouping})
    kinds = {k for k, _v in grouping}
    seen: dict[Any, set[tuple[str, str]]] = {}
    for start in range(0, len(values), 500):
        rows = (
            IncidentObservable.objects.for_organization(organization)
            .filter(kind__in=kinds, value__in=values[start : start + 500])
            .values_list("incident_id", "kind", "value")
        )
        for pk, kind, value in rows:
            if (kind, value) in grouping:
                seen.setdefault(pk, set()).add((kind, value))
    ips = sorted(v for k, v in grouping if k == ObservableKind.IP)
    found: list[Incident] = []
    incidents = Incident.objects.for_organization(organization).filter(
        status__in=JOINABLE, last_seen_at__gte=since, merged_into__isnull=True
    )
    ids = sorted(seen, key=str)
    # Incidents opened before observables were kept still group by their source ip.
    for start in range(0, max(len(ids), len(ips)), 500):
        found.extend(
            incidents.select_for_update()
            .filter(Q(pk__in=ids[start : start + 500]) | Q(source_ip__in=ips[start : start + 500]))
            .order_by("pk")
        )
    index: dict[tuple[str, str], list[Incident]] = {}
    for incident in {incident.pk: incident for incident in found}.values():
        keys = set(seen.get(incident.pk, ()))
        if incident.source_ip:
            keys.add((ObservableKind.IP, incident.source_ip))
        for key in keys & grouping:
            index.setdefault(key, []).append(incident)
    return index
