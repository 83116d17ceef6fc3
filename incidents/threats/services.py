"""Threats from detections, grouped into incidents; human ids; analysts' verdicts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

import realtime
from config.api.errors import ApplicationError, ErrorCode
from incidents.detection.bulk import counters_add, update_rows
from incidents.detection.models import DetectionRule
from incidents.signals import incident_saved
from incidents.threats.correlation import (
    incident_to_join,
    joinable_incidents,
    observables_record,
    threat_observables,
)
from incidents.threats.models import (
    GROUPING_KINDS,
    SEVERITY_RANK,
    CostModel,
    IdentifierSequence,
    Incident,
    IncidentObservable,
    Threat,
    ThreatStatus,
)
from organizations.services.audit import audit_record

OPEN_STATUSES = (ThreatStatus.DETECTED, ThreatStatus.ANALYZING)
MAX_LINKED_EVENTS = 200
RISK_BASE = {"low": 20, "medium": 40, "high": 60, "critical": 80}


def next_human_id(*, organization, prefix: str, year: int) -> str:
    """THR-2026-0001: a per-organization, per-year counter, safe under concurrent writers."""
    with transaction.atomic():
        sequence = (
            IdentifierSequence.objects.for_organization(organization)
            .select_for_update()
            .filter(prefix=prefix, year=year)
            .first()
        )
        if sequence is None:
            sequence = IdentifierSequence.objects.create(organization=organization, prefix=prefix, year=year)
        sequence.value += 1
        sequence.save(update_fields=["value", "updated_at"])
    return f"{prefix}-{year}-{sequence.value:04d}"


def cost_model_for(organization) -> CostModel:
    model = CostModel.objects.for_organization(organization).first()
    return model or CostModel(organization=organization)


@dataclass
class Candidate:
    """One would-be threat: a rule (or indicator) and the events that support it."""

    key: str
    title: str
    threat_type: str
    severity: str
    confidence: float
    techniques: list[str]
    recommended_actions: list[str]
    detector: str
    source_ip: str | None
    events: list[dict[str, Any]]
    first_ts: datetime
    last_ts: datetime
    rule_id: Any = None
    indicator: Any = None
    extra_iocs: dict[str, set[str]] = field(default_factory=dict)


def iocs_of(events: list[dict[str, Any]], extra: dict[str, set[str]] | None = None) -> dict[str, list[str]]:
    ips: set[str] = set()
    domains: set[str] = set()
    hashes: set[str] = set()
    urls: set[str] = set()
    users: set[str] = set()
    sessions: set[str] = set()
    for event in events:
        if event.get("src_ip"):
            ips.add(event["src_ip"])
        fields = event.get("fields") or {}
        if event.get("user"):
            users.add(str(event["user"])[:200])
        if fields.get("session"):
            sessions.add(str(fields["session"])[:200])
        for key in ("sha256", "md5"):
            if fields.get(key):
                hashes.add(str(fields[key]))
        url = fields.get("url")
        if url and "://" in str(url):
            urls.add(str(url))
            host = urlsplit(str(url)).hostname
            if host:
                domains.add(host)
        command = str(fields.get("command") or "")
        from incidents.intel.matching import URL_IN_TEXT

        for found in URL_IN_TEXT.findall(command):
            urls.add(found)
            host = urlsplit(found).hostname
            if host:
                domains.add(host)
    for kind, values in (extra or {}).items():
        {"ips": ips, "domains": domains, "hashes": hashes, "urls": urls}[kind].update(values)
    return {
        "ips": sorted(ips),
        "domains": sorted(domains),
        "hashes": sorted(hashes),
        "urls": sorted(urls),
        "users": sorted(users)[:50],
        "sessions": sorted(sessions)[:50],
    }


def _target(events: list[dict[str, Any]], sensor_name: str = "") -> str:
    for event in events:
        fields = event.get("fields") or {}
        if event.get("dst_ip"):
            port = f":{event['dst_port']}" if event.get("dst_port") else ""
            return f"{event['dst_ip']}{port}"
        if fields.get("host"):
            return str(fields["host"])
        if fields.get("sensor"):
            return str(fields["sensor"])
    return sensor_name or (events[0].get("source_type", "") if events else "")


def _timeline_entry(stamp: datetime, event: str, **extra: Any) -> dict[str, Any]:
    return {"timestamp": stamp.isoformat(), "event": event, **extra}


def _threat_payload(threat: Threat) -> dict[str, Any]:
    return {
        "threat_id": threat.human_id,
        "id": str(threat.pk),
        "type": threat.threat_type,
        "severity": threat.severity,
        "confidence": threat.confidence,
        "source_ip": threat.source_ip,
        "mitre_attack": threat.mitre_techniques,
        "incident_id": threat.incident.human_id if threat.incident else None,
        "synthetic": threat.synthetic,
        "timestamp": threat.detected_at.isoformat(),
    }


def _publish_threat(threat: Threat) -> None:
    realtime.publish(threat.organization, "threat_detected", _threat_payload(threat))


# Incidents a detection batch attached threats to, announced once each after the batch:
# incident pk -> (incident, created by this batch, the first threat that joined it).
PendingAnnouncements = dict[Any, tuple[Incident, bool, Threat]]


def incident_attach(*, threat: Threat, pending: PendingAnnouncements | None = None) -> Incident:
    """Put a threat into its source's open incident within the window, or open one.

    Announces the incident (realtime event, incident_saved) at once, or, given `pending`, records it
    there so a batch announces each incident once however many of its threats joined it."""
    organization = threat.organization
    # Threats sharing a source ip, file hash or honeypot session within the window share an incident.
    incident = incident_to_join(threat=threat)
    created = incident is None
    if incident is None:
        incident = Incident(
            organization=organization,
            human_id=next_human_id(organization=organization, prefix="INC", year=threat.detected_at.year),
            title=f"{threat.title} from {threat.source_ip}" if threat.source_ip else threat.title,
            source_ip=threat.source_ip,
            severity=threat.severity,
            first_seen_at=threat.first_seen_at,
            last_seen_at=threat.last_seen_at,
        )
        incident.save()
    threat.incident = incident
    threat.save(update_fields=["incident", "updated_at"])
    observables_record(incident=incident, threat=threat)
    incident_refresh(incident=incident)
    if pending is None:
        incident_announce(incident=incident, created=created, threat=threat)
    else:
        first = pending.get(incident.pk)
        pending[incident.pk] = (incident, created or bool(first and first[1]), first[2] if first else threat)
    return incident


def _incident_event(*, incident: Incident, created: bool, threat: Threat) -> tuple[str, dict[str, Any]]:
    return (
        "incident_created" if created else "incident_updated",
        {
            "incident_id": incident.human_id,
            "id": str(incident.pk),
            "severity": incident.severity,
            "risk_score": incident.risk_score,
            "threat_count": incident.threat_count,
            "source_ip": incident.source_ip,
            "threat_id": threat.human_id,
        },
    )


def _incident_saved_on_commit(*, incident: Incident, created: bool) -> None:
    organization = incident.organization
    transaction.on_commit(
        lambda: incident_saved.send(
            sender=Incident, organization=organization, incident=incident, created=created
        )
    )


def incident_announce(*, incident: Incident, created: bool, threat: Threat) -> None:
    """incident_created / incident_updated to sockets and webhooks, and incident_saved on commit."""
    event_type, payload = _incident_event(incident=incident, created=created, threat=threat)
    realtime.publish(incident.organization, event_type, payload)
    _incident_saved_on_commit(incident=incident, created=created)


REFRESH_FIELDS = (
    "severity",
    "threat_count",
    "mitre_techniques",
    "first_seen_at",
    "last_seen_at",
    "risk_score",
    "updated_at",
)
THREAT_SUMMARY = (
    "severity",
    "threat_type",
    "confidence",
    "mitre_techniques",
    "first_seen_at",
    "last_seen_at",
)


def _refresh_values(incident: Incident, threats: list[dict[str, Any]]) -> None:
    """Set the incident's severity, techniques, span and risk score from its counted threats'
    summaries (dicts of THREAT_SUMMARY), without saving. See incident_refresh."""
    if not threats:
        incident.threat_count = 0
        incident.risk_score = 0
        return
    worst = max((t["severity"] for t in threats), key=lambda s: SEVERITY_RANK.get(s, 0))
    types = {t["threat_type"] for t in threats}
    confidence = max(t["confidence"] for t in threats)
    incident.severity = worst
    incident.threat_count = len(threats)
    incident.mitre_techniques = sorted({m for t in threats for m in t["mitre_techniques"]})
    incident.first_seen_at = min(t["first_seen_at"] for t in threats)
    incident.last_seen_at = max(t["last_seen_at"] for t in threats)
    incident.risk_score = min(
        100, RISK_BASE.get(worst, 20) + 5 * (len(types) - 1) + int(10 * confidence + 0.5)
    )


def incident_refresh(*, incident: Incident) -> None:
    """Severity, techniques, span and risk score from the incident's threats.

    risk_score = base of the worst severity (low 20, medium 40, high 60, critical 80)
                 + 5 per further distinct threat type + 10 x the highest confidence, capped at 100.
    """
    threats = list(incident.threats.exclude(status=ThreatStatus.FALSE_POSITIVE).values(*THREAT_SUMMARY))
    _refresh_values(incident, threats)
    if not threats:
        incident.save(update_fields=["threat_count", "risk_score", "updated_at"])
        return
    incident.save()


def candidates_above_floor(*, organization, candidates: list[Candidate]) -> list[Candidate]:
    """The organization's sensitivity decides the confidence below which a detection raises no threat."""
    if not candidates:
        return candidates
    from incidents.threats.selectors import detection_settings

    floor = detection_settings(organization).confidence_floor
    return [c for c in candidates if c.confidence >= floor]


def threats_upsert(
    *, organization, candidates: list[Candidate], synthetic: bool = False, sensor_name: str = ""
) -> tuple[list[Threat], list[Threat]]:
    """Create a threat per candidate, or extend the open threat of the same rule and source within
    the dedupe window. Returns (created, updated)."""
    created: list[Threat] = []
    updated: list[Threat] = []
    candidates = candidates_above_floor(organization=organization, candidates=candidates)
    if not candidates:
        return created, updated
    window = timedelta(seconds=settings.DETECTION_THREAT_DEDUPE_SECONDS)
    costs = cost_model_for(organization)
    now = timezone.now()
    keys = {f"{c.key}|{c.source_ip or '-'}" for c in candidates}
    # One query for every open threat these candidates may extend (the latest per key wins).
    open_threats: dict[str, Threat] = {}
    for start in range(0, len(keys), 500):
        chunk = sorted(keys)[start : start + 500]
        for found in (
            Threat.objects.for_organization(organization)
            .select_for_update(of=("self",))
            .select_related("incident")
            .filter(dedupe_key__in=chunk, status__in=OPEN_STATUSES)
            .order_by("last_seen_at")
        ):
            open_threats[found.dedupe_key] = found
    links: list[Any] = []
    to_save: list[Threat] = []
    new_threats: list[tuple[Threat, list[Any]]] = []
    touched_incidents: dict[Any, Incident] = {}
    through = Threat.events.through
    for candidate in candidates:
        dedupe_key = f"{candidate.key}|{candidate.source_ip or '-'}"
        event_ids = [e["id"] for e in candidate.events if e.get("id")]
        existing = open_threats.get(dedupe_key)
        if existing is not None and existing.last_seen_at < candidate.first_ts - window:
            existing = None
        iocs = iocs_of(candidate.events, candidate.extra_iocs)
        if existing is not None:
            existing.iocs = {k: sorted(set(existing.iocs.get(k, [])) | set(v)) for k, v in iocs.items()}
            room = max(0, MAX_LINKED_EVENTS - existing.event_count)
            existing.event_count += len(candidate.events)
            existing.last_seen_at = max(existing.last_seen_at, candidate.last_ts)
            existing.first_seen_at = min(existing.first_seen_at, candidate.first_ts)
            # One rolling "threat_updated" entry keeps the timeline short however long the attack runs.
            timeline = list(existing.timeline)
            previous = timeline[-1] if timeline and timeline[-1].get("event") == "threat_updated" else None
            total = len(candidate.events) + (previous or {}).get("new_events", 0)
            if previous is not None:
                timeline.pop()
            timeline.append(_timeline_entry(now, "threat_updated", agent="detector", new_events=total))
            existing.timeline = timeline
            existing.updated_at = now
            if existing not in to_save:
                to_save.append(existing)
            links.extend(through(threat_id=existing.pk, event_id=event_id) for event_id in event_ids[:room])
            updated.append(existing)
            incident = existing.incident if existing.incident_id else None
            if incident is not None:
                # The threat was already counted in its incident: only the incident's span moves.
                incident.last_seen_at = max(incident.last_seen_at, existing.last_seen_at)
                incident.first_seen_at = min(incident.first_seen_at, existing.first_seen_at)
                incident.updated_at = now
                touched_incidents[incident.pk] = incident
            continue
        threat = Threat(
            organization=organization,
            threat_type=candidate.threat_type,
            title=candidate.title[:300],
            severity=candidate.severity,
            confidence=round(candidate.confidence, 3),
            mitre_techniques=candidate.techniques,
            source_ip=candidate.source_ip,
            target=_target(candidate.events, sensor_name)[:300],
            iocs=iocs,
            recommended_actions=candidate.recommended_actions,
            impact_usd=costs.impact(
                severity=candidate.severity,
                threat_type=candidate.threat_type,
                confidence=candidate.confidence,
            ),
            raw_log="\n".join(str(e.get("raw", "")) for e in candidate.events[:5])[:20000],
            timeline=[_timeline_entry(now, "threat_detected", agent="detector", rule=candidate.title)],
            rule_id=candidate.rule_id,
            indicator=candidate.indicator,
            detector=candidate.detector,
            dedupe_key=dedupe_key[:400],
            event_count=len(candidate.events),
            synthetic=synthetic,
            first_seen_at=candidate.first_ts,
            last_seen_at=candidate.last_ts,
            detected_at=now,
        )
        new_threats.append((threat, event_ids))
        open_threats[dedupe_key] = threat
    new_ids = {threat.pk for threat, _event_ids in new_threats}
    to_save = [threat for threat in to_save if threat.pk not in new_ids]
    if to_save:
        # Before the new threats join their incidents, so an incident refreshed below counts the
        # progress its ongoing threats made in this batch.
        _threats_save_progress(to_save)
    if new_threats:
        created = _threats_create(organization=organization, fresh=new_threats, year=now.year)
        links.extend(
            through(threat_id=threat.pk, event_id=event_id)
            for threat, event_ids in new_threats
            for event_id in event_ids[:MAX_LINKED_EVENTS]
        )
    if links:
        through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)
    fresh = {t.incident_id for t in created}
    stale = [i for pk, i in touched_incidents.items() if pk not in fresh]
    if stale:
        update_rows(stale, ("last_seen_at", "first_seen_at", "updated_at"))
    return created, updated


def human_ids_reserve(*, organization, prefix: str, year: int, count: int) -> list[str]:
    """`count` consecutive human ids (THR-2026-0042 ...) with one locked counter update."""
    with transaction.atomic():
        sequence = (
            IdentifierSequence.objects.for_organization(organization)
            .select_for_update()
            .filter(prefix=prefix, year=year)
            .first()
        )
        if sequence is None:
            sequence = IdentifierSequence.objects.create(organization=organization, prefix=prefix, year=year)
        first = sequence.value + 1
        sequence.value += count
        sequence.save(update_fields=["value", "updated_at"])
    return [f"{prefix}-{year}-{value:04d}" for value in range(first, first + count)]


def _threats_create(*, organization, fresh: list[tuple[Threat, list[Any]]], year: int) -> list[Threat]:
    """Insert a batch's new threats at once, put them into their incidents together
    (incidents_attach_many), announce every threat and every touched incident once with one
    bulk publish; rule counters move by one update per rule."""
    threats = [threat for threat, _event_ids in fresh]
    for threat, human_id in zip(
        threats,
        human_ids_reserve(organization=organization, prefix="THR", year=year, count=len(threats)),
        strict=True,
    ):
        threat.human_id = human_id
    pending = incidents_attach_many(
        organization=organization, threats=threats, insert=Threat.objects.bulk_create
    )
    realtime.publish_many(
        organization,
        [
            *(("threat_detected", _threat_payload(threat)) for threat in threats),
            *(
                _incident_event(incident=incident, created=incident_created, threat=first)
                for incident, incident_created, first in pending.values()
            ),
        ],
    )
    for incident, incident_created, _first in pending.values():
        _incident_saved_on_commit(incident=incident, created=incident_created)
    per_rule: dict[Any, int] = {}
    for threat in threats:
        if threat.rule_id:
            per_rule[threat.rule_id] = per_rule.get(threat.rule_id, 0) + 1
    counters_add(DetectionRule, organization_id=organization.pk, counter="threats_created", amounts=per_rule)
    return threats


def incidents_attach_many(
    *, organization, threats: list[Threat], insert: Callable[[list[Threat]], Any]
) -> PendingAnnouncements:
    """incident_attach for a batch of new threats (not yet stored), with the same grouping: each
    joins the most recent joinable incident within the window that shares a source ip, file hash
    or honeypot session with it (an incident opened by an earlier threat of the same batch
    included), or opens one.

    One observable lookup and one locked incident query for the whole batch, one INSERT of the new
    incidents (their figures computed from their threats), `insert(threats)` to store the threats
    with their incident set, one INSERT of the observables, and one threat query plus one
    executemany UPDATE to refresh the existing incidents that were joined. Returns the incidents to
    announce, once each."""
    pending: PendingAnnouncements = {}
    if not threats:
        return pending
    window = timedelta(seconds=settings.DETECTION_INCIDENT_WINDOW_SECONDS)
    observed = [threat_observables(threat) for threat in threats]
    index = joinable_incidents(
        organization=organization,
        observables=set().union(*observed),
        since=min(threat.first_seen_at for threat in threats) - window,
    )
    for joinable in index.values():
        for incident in joinable:
            incident.organization = organization  # announcing them reads it: no query per incident
    opened: list[Incident] = []
    members: dict[Any, list[Threat]] = defaultdict(list)
    for threat, found in zip(threats, observed, strict=True):
        grouping = sorted((kind, value) for kind, value in found if kind in GROUPING_KINDS)
        horizon = threat.first_seen_at - window
        choices = [i for key in grouping for i in index.get(key, ()) if i.last_seen_at >= horizon]
        joined = max(choices, key=lambda i: i.last_seen_at) if choices else None
        created = joined is None
        if joined is None:
            incident = Incident(
                organization=organization,
                title=f"{threat.title} from {threat.source_ip}" if threat.source_ip else threat.title,
                source_ip=threat.source_ip,
                severity=threat.severity,
                first_seen_at=threat.first_seen_at,
                last_seen_at=threat.last_seen_at,
            )
            opened.append(incident)
        else:
            incident = joined
            # Later threats of the batch see the span this one gives the incident.
            incident.last_seen_at = max(incident.last_seen_at, threat.last_seen_at)
            incident.first_seen_at = min(incident.first_seen_at, threat.first_seen_at)
        for key in grouping:
            sharing = index.setdefault(key, [])
            if incident not in sharing:
                sharing.append(incident)
        threat.incident = incident
        members[incident.pk].append(threat)
        first = pending.get(incident.pk)
        pending[incident.pk] = (incident, created or bool(first and first[1]), first[2] if first else threat)
    if opened:
        human_ids = human_ids_reserve(
            organization=organization, prefix="INC", year=threats[0].detected_at.year, count=len(opened)
        )
        for incident, human_id in zip(opened, human_ids, strict=True):
            incident.human_id = human_id
            _refresh_values(
                incident, [{name: getattr(t, name) for name in THREAT_SUMMARY} for t in members[incident.pk]]
            )
        Incident.objects.bulk_create(opened)
    for threat in threats:
        threat.incident_id = threat.incident.pk  # type: ignore[union-attr]
    insert(threats)
    IncidentObservable.objects.bulk_create(
        [
            IncidentObservable(
                organization_id=organization.pk,
                incident_id=incident_id,  # type: ignore[misc]
                kind=kind,
                value=value,
            )
            for incident_id, kind, value in sorted(
                {
                    (threat.incident_id, kind, value)
                    for threat, found in zip(threats, observed, strict=True)
                    for kind, value in found
                },
                key=str,
            )
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    joined_existing = [incident for incident, created, _first in pending.values() if not created]
    if joined_existing:
        summaries: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for row in (
            Threat.objects.for_organization(organization)
            .filter(incident_id__in=[incident.pk for incident in joined_existing])
            .exclude(status=ThreatStatus.FALSE_POSITIVE)
            .values("incident_id", *THREAT_SUMMARY)
        ):
            summaries[row["incident_id"]].append(row)
        now = timezone.now()
        for incident in joined_existing:
            _refresh_values(incident, summaries.get(incident.pk, []))
            incident.updated_at = now
        update_rows(joined_existing, REFRESH_FIELDS)
    return pending


PROGRESS_FIELDS = ("iocs", "event_count", "last_seen_at", "first_seen_at", "timeline", "updated_at")


def _threats_save_progress(threats: list[Threat]) -> None:
    """Write the fields an ongoing attack moves, for many threats in one executemany: Django's
    bulk_update builds a CASE expression per field and row, which dominated detection batches."""
    update_rows(threats, PROGRESS_FIELDS)


VERDICT_STATUS = {"confirmed": ThreatStatus.MITIGATED, "false_positive": ThreatStatus.FALSE_POSITIVE}


@transaction.atomic
def threat_verdict(*, threat: Threat, verdict: str, actor=None, request=None) -> Threat:
    """An analyst's verdict: confirmed (the threat was real; status mitigated) or false_positive.
    Feeds the rule's counters, so its precision shows in the API."""
    if verdict not in VERDICT_STATUS:
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, "verdict is confirmed or false_positive.")
    previous = threat.status
    new_status = VERDICT_STATUS[verdict]
    if previous == new_status:
        return threat
    now = timezone.now()
    threat.status = new_status
    threat.mitigated_at = now if new_status == ThreatStatus.MITIGATED else None
    who = getattr(actor, "email", "") or ""
    threat.timeline = [*threat.timeline, _timeline_entry(now, f"verdict_{verdict}", user=who)]
    threat.save()
    if threat.rule_id:
        rules = DetectionRule.objects.for_organization(threat.organization_id).filter(pk=threat.rule_id)
        changes: dict[str, Any] = {}
        if previous == ThreatStatus.MITIGATED:
            changes["threats_confirmed"] = F("threats_confirmed") - 1
        if previous == ThreatStatus.FALSE_POSITIVE:
            changes["false_positives"] = F("false_positives") - 1
        if new_status == ThreatStatus.MITIGATED:
            changes["threats_confirmed"] = F("threats_confirmed") + 1
        else:
            changes["false_positives"] = F("false_positives") + 1
        rules.update(**changes)
    if threat.incident_id:
        incident_refresh(incident=threat.incident)  # type: ignore[arg-type]
    audit_record(
        action=f"threat.{verdict}",
        organization=threat.organization,
        actor=actor,
        target=threat,
        request=request,
        metadata={"previous_status": previous},
    )
    if new_status == ThreatStatus.MITIGATED:
        realtime.publish(
            threat.organization,
            "threat_mitigated",
            {"threat_id": threat.human_id, "severity": threat.severity, "timestamp": now.isoformat()},
        )
    return threat


@transaction.atomic
def cost_model_update(*, organization, severity_costs=None, type_multipliers=None, actor=None, request=None):
    model = cost_model_for(organization)
    if severity_costs is not None:
        model.severity_costs = {**model.severity_costs, **severity_costs}
    if type_multipliers is not None:
        model.type_multipliers = {**model.type_multipliers, **type_multipliers}
    model.save()
    audit_record(
        action="cost_model.updated", organization=organization, actor=actor, target=model, request=request
    )
    return model
