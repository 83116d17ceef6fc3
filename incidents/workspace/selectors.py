"""Reads of the incident workspace: lists, detail, timelines, attack paths, context, similarity."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncHour, TruncWeek
from django.utils import timezone

from incidents.detection.attack import techniques
from incidents.extensions import incident_sections
from incidents.ingest.models import Event
from incidents.threats.models import (
    Incident,
    IncidentObservable,
    IncidentStatus,
    ObservableKind,
    Threat,
    ThreatStatus,
)
from incidents.threats.selectors import detection_settings
from incidents.workspace.models import IncidentActivity, IncidentComment

# ATT&CK Enterprise tactics in kill-chain order.
KILL_CHAIN = [
    ("TA0043", "Reconnaissance"),
    ("TA0042", "Resource Development"),
    ("TA0001", "Initial Access"),
    ("TA0002", "Execution"),
    ("TA0003", "Persistence"),
    ("TA0004", "Privilege Escalation"),
    ("TA0005", "Defense Evasion"),
    ("TA0006", "Credential Access"),
    ("TA0007", "Discovery"),
    ("TA0008", "Lateral Movement"),
    ("TA0009", "Collection"),
    ("TA0011", "Command and Control"),
    ("TA0010", "Exfiltration"),
    ("TA0040", "Impact"),
]
STAGE = {tactic_id: n for n, (tactic_id, _) in enumerate(KILL_CHAIN)}
TRUNC = {"hour": TruncHour, "day": TruncDay, "week": TruncWeek}


def incidents_list(organization) -> QuerySet:
    """Incidents with their event count (summed over their threats) and the assignee, for lists."""
    events = (
        Threat.objects.for_organization(organization)
        .filter(incident=OuterRef("pk"))
        .order_by()
        .values("incident")
        .annotate(total=Sum("event_count"))
        .values("total")
    )
    return (
        Incident.objects.for_organization(organization)
        .select_related("assignee")
        .annotate(event_count=Coalesce(Subquery(events, output_field=IntegerField()), 0))
    )


def synthetic_threats(organization):
    return Threat.objects.for_organization(organization).filter(incident=OuterRef("pk"), synthetic=True)


def incidents_real(organization) -> QuerySet:
    """Incidents with no synthetic or simulated threat in them."""
    return incidents_list(organization).filter(~Exists(synthetic_threats(organization)))


def technique_tactics(technique_id: str) -> list[tuple[str, str]]:
    entry = techniques().get(technique_id) or techniques().get(technique_id.split(".")[0]) or {}
    return list(zip(entry.get("tactic_ids", []), entry.get("tactics", []), strict=False))


def technique_name(technique_id: str) -> str:
    return (techniques().get(technique_id) or {}).get("name", technique_id)


def incident_threats(incident: Incident) -> list[Threat]:
    return list(
        Threat.objects.for_organization(incident.organization_id)
        .filter(incident=incident)
        .order_by("detected_at")
    )


def incident_timeline(
    incident: Incident, threats: list[Threat], activities: list[IncidentActivity]
) -> list[dict]:
    entries: list[dict[str, Any]] = []
    for threat in threats:
        entries.append(
            {
                "timestamp": threat.first_seen_at.isoformat(),
                "event": "first_activity",
                "threat_id": threat.human_id,
                "message": f"{threat.title} began",
            }
        )
        entries.append(
            {
                "timestamp": threat.detected_at.isoformat(),
                "event": "threat_detected",
                "threat_id": threat.human_id,
                "message": f"{threat.title} ({threat.severity})",
            }
        )
        if threat.mitigated_at:
            entries.append(
                {
                    "timestamp": threat.mitigated_at.isoformat(),
                    "event": "threat_mitigated",
                    "threat_id": threat.human_id,
                    "message": f"{threat.human_id} mitigated",
                }
            )
    for activity in activities:
        entries.append(
            {
                "timestamp": activity.created_at.isoformat(),
                "event": activity.kind,
                "user": activity.actor_email,
                "message": _activity_message(activity),
            }
        )
    return sorted(entries, key=lambda e: e["timestamp"])


def _activity_message(activity: IncidentActivity) -> str:
    data = activity.data
    if activity.kind == "status_changed":
        return f"status {data.get('previous')} -> {data.get('status')}" + (
            f": {data['note']}" if data.get("note") else ""
        )
    if activity.kind == "assigned":
        return f"assigned to {data.get('assignee') or 'nobody'}"
    if activity.kind == "merged":
        return f"merged {', '.join(sorted(data.get('merged', {})))} into this incident"
    if activity.kind == "merged_into":
        return f"merged into {data.get('target')}"
    if activity.kind == "ai_analysis":
        return f"AI analysis by {data.get('provider', 'local')}"
    return "comment added"


def incident_detail(incident: Incident) -> dict[str, Any]:
    threats = incident_threats(incident)
    activities = list(
        IncidentActivity.objects.for_organization(incident.organization_id).filter(incident=incident)
    )
    comments = list(
        IncidentComment.objects.for_organization(incident.organization_id).filter(incident=incident)
    )
    settings = detection_settings(incident.organization_id)
    incident.event_count = sum(t.event_count for t in threats)  # type: ignore[attr-defined]
    return {
        "incident": incident,
        "escalation_level": settings.escalation_level(incident.risk_score),
        "threats": threats,
        "comments": comments,
        "activity": activities,
        "timeline": incident_timeline(incident, threats, activities),
        "sections": incident_sections(incident),
    }


def activity_over_time(organization, *, interval: str, start: datetime, end: datetime) -> list[dict]:
    """Events and threats per bucket, counted by the database."""
    trunc = TRUNC[interval]
    events = (
        Event.objects.for_organization(organization)
        .filter(timestamp__gte=start, timestamp__lt=end)
        .annotate(bucket=trunc("timestamp"))
        .order_by()
        .values("bucket")
        .annotate(n=Count("id"))
    )
    threats = (
        Threat.objects.for_organization(organization)
        .filter(detected_at__gte=start, detected_at__lt=end)
        .annotate(bucket=trunc("detected_at"))
        .order_by()
        .values("bucket")
        .annotate(
            n=Count("id"),
            critical=Count("id", filter=Q(severity="critical")),
            high=Count("id", filter=Q(severity="high")),
        )
    )
    buckets: dict[datetime, dict[str, Any]] = defaultdict(
        lambda: {"events": 0, "threats": 0, "critical": 0, "high": 0}
    )
    for row in events:
        buckets[row["bucket"]]["events"] = row["n"]
    for row in threats:
        buckets[row["bucket"]].update(threats=row["n"], critical=row["critical"], high=row["high"])
    return [{"timestamp": bucket, **values} for bucket, values in sorted(buckets.items())]


def attack_paths(organization, *, since: datetime, limit: int = 50) -> list[dict]:
    """source -> technique (tactic) -> target chains, from threats, ordered along the kill chain."""
    rows = (
        Threat.objects.for_organization(organization)
        .filter(detected_at__gte=since)
        .exclude(status=ThreatStatus.FALSE_POSITIVE)
        .order_by()
        .values(
            "source_ip",
            "target",
            "mitre_techniques",
            "severity",
            "human_id",
            "incident__human_id",
            "first_seen_at",
        )
    )
    chains: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows[:5000]:
        source = row["source_ip"] or "unknown"
        target = row["target"] or "unknown"
        chain = chains.setdefault(
            (source, target),
            {
                "source": source,
                "target": target,
                "steps": {},
                "threats": set(),
                "incidents": set(),
                "first_seen_at": row["first_seen_at"],
            },
        )
        chain["threats"].add(row["human_id"])
        if row["incident__human_id"]:
            chain["incidents"].add(row["incident__human_id"])
        chain["first_seen_at"] = min(chain["first_seen_at"], row["first_seen_at"])
        for technique in row["mitre_techniques"] or []:
            for tactic_id, tactic in technique_tactics(technique) or [("", "Unknown")]:
                key = (tactic_id, technique)
                step = chain["steps"].setdefault(
                    key,
                    {
                        "stage": STAGE.get(tactic_id, len(KILL_CHAIN)),
                        "tactic_id": tactic_id,
                        "tactic": tactic,
                        "technique": technique,
                        "technique_name": technique_name(technique),
                        "threats": 0,
                    },
                )
                step["threats"] += 1
    paths = []
    for chain in chains.values():
        steps = sorted(chain["steps"].values(), key=lambda s: (s["stage"], s["technique"]))
        paths.append(
            {
                "source": chain["source"],
                "target": chain["target"],
                "steps": steps,
                "depth": len({s["tactic_id"] for s in steps}),
                "furthest_tactic": steps[-1]["tactic"] if steps else None,
                "threat_ids": sorted(chain["threats"]),
                "incident_ids": sorted(chain["incidents"]),
                "first_seen_at": chain["first_seen_at"],
            }
        )
    paths.sort(key=lambda p: (-p["depth"], -len(p["threat_ids"]), p["source"]))
    return paths[:limit]


def incident_context(incident: Incident) -> dict[str, Any]:
    """Everything a language model or an analyst needs about one incident, compactly."""
    threats = incident_threats(incident)
    observables = defaultdict(list)
    for kind, value in (
        IncidentObservable.objects.for_organization(incident.organization_id)
        .filter(incident=incident)
        .values_list("kind", "value")[:500]
    ):
        observables[kind].append(value)
    settings = detection_settings(incident.organization_id)
    events = (
        Event.objects.for_organization(incident.organization_id)
        .filter(threats__incident=incident)
        .order_by("-timestamp")
        .values("timestamp", "source_type", "action", "outcome", "user", "message")
        .distinct()[:20]
    )
    return {
        "incident_id": incident.human_id,
        "id": str(incident.pk),
        "title": incident.title,
        "status": incident.status,
        "severity": incident.severity,
        "risk_score": incident.risk_score,
        "ml_confidence": incident.ml_confidence,
        "escalation_level": settings.escalation_level(incident.risk_score),
        "source_ip": incident.source_ip,
        "first_seen_at": incident.first_seen_at.isoformat(),
        "last_seen_at": incident.last_seen_at.isoformat(),
        "assignee": incident.assignee.email if incident.assignee_id else None,  # type: ignore[union-attr]
        "mitre": [
            {"technique": t, "name": technique_name(t), "tactics": [name for _, name in technique_tactics(t)]}
            for t in incident.mitre_techniques
        ],
        "threats": [
            {
                "threat_id": t.human_id,
                "type": t.threat_type,
                "title": t.title,
                "severity": t.severity,
                "confidence": t.confidence,
                "status": t.status,
                "event_count": t.event_count,
                "target": t.target,
                "recommended_actions": t.recommended_actions,
            }
            for t in threats[:50]
        ],
        "observables": dict(observables),
        "recent_events": [
            {**e, "timestamp": e["timestamp"].isoformat(), "message": (e["message"] or "")[:300]}
            for e in events
        ],
        "ai_analysis": incident.ai_analysis,
        "sections": incident_sections(incident),
    }


def incident_threat_status(incident: Incident) -> dict[str, Any]:
    """Containment, open threats, related indicators and recurrence of one incident."""
    organization_id = incident.organization_id
    threats = incident_threats(incident)
    by_status = Counter(t.status for t in threats)
    indicators = sorted(
        {
            (t.indicator.type, t.indicator.value)
            for t in Threat.objects.for_organization(organization_id)
            .filter(incident=incident, indicator__isnull=False)
            .select_related("indicator")
        }
    )
    recurrence = None
    if incident.source_ip:
        others = (
            Incident.objects.for_organization(organization_id)
            .filter(source_ip=incident.source_ip)
            .exclude(pk=incident.pk)
            .aggregate(count=Count("id"), first=Min("first_seen_at"), last=Max("last_seen_at"))
        )
        recurrence = {
            "source_ip": incident.source_ip,
            "other_incidents": others["count"],
            "first_seen_at": others["first"],
            "last_seen_at": others["last"],
        }
    return {
        "incident_id": incident.human_id,
        "status": incident.status,
        "contained": incident.status in (IncidentStatus.CONTAINED, IncidentStatus.RESOLVED),
        "status_changed_at": incident.status_changed_at,
        "threats": {"total": len(threats), **{s: by_status.get(s, 0) for s in ThreatStatus.values}},
        "open_threats": [
            t.human_id for t in threats if t.status in (ThreatStatus.DETECTED, ThreatStatus.ANALYZING)
        ],
        "related_indicators": [{"type": k, "value": v} for k, v in indicators],
        "recurrence": recurrence,
        "recommended_actions": (incident.ai_analysis or {}).get("recommended_actions", []),
        "sections": incident_sections(incident),
    }


def similar_incidents(incident: Incident, *, limit: int = 10) -> list[dict[str, Any]]:
    """Other incidents ranked by shared observables (weighted by how specific they are) and techniques."""
    organization_id = incident.organization_id
    mine = set(
        IncidentObservable.objects.for_organization(organization_id)
        .filter(incident=incident)
        .values_list("kind", "value")
    )
    weight = {
        ObservableKind.IP: 5,
        ObservableKind.HASH: 5,
        ObservableKind.SESSION: 4,
        ObservableKind.USER: 1,
        ObservableKind.HOST: 1,
    }
    scores: dict[Any, dict[str, Any]] = defaultdict(lambda: {"score": 0.0, "shared": []})
    if mine:
        rows = (
            IncidentObservable.objects.for_organization(organization_id)
            .filter(kind__in={k for k, _ in mine}, value__in={v for _, v in mine})
            .exclude(incident=incident)
            .values_list("incident_id", "kind", "value")[:5000]
        )
        for incident_id, kind, value in rows:
            if (kind, value) in mine:
                scores[incident_id]["score"] += weight.get(kind, 1)
                scores[incident_id]["shared"].append({"kind": kind, "value": value})
    techniques_mine = set(incident.mitre_techniques)
    recent = (
        Incident.objects.for_organization(organization_id)
        .exclude(pk=incident.pk)
        .filter(last_seen_at__gte=timezone.now() - timedelta(days=90))
    )
    candidates = {i.pk: i for i in recent.filter(pk__in=list(scores))}
    if techniques_mine:
        for other in recent.order_by("-last_seen_at")[:500]:
            candidates.setdefault(other.pk, other)
    ranked = []
    for pk, other in candidates.items():
        shared_techniques = sorted(techniques_mine & set(other.mitre_techniques))
        score = (
            scores[pk]["score"] + 2 * len(shared_techniques) if pk in scores else 2 * len(shared_techniques)
        )
        if score <= 0:
            continue
        ranked.append(
            {
                "incident": other,
                "score": round(score, 2),
                "shared_observables": scores[pk]["shared"] if pk in scores else [],
                "shared_techniques": shared_techniques,
            }
        )
    ranked.sort(key=lambda r: (-r["score"], -r["incident"].last_seen_at.timestamp()))
    return ranked[:limit]
