"""Reads of seed B's telemetry surface: honeypot attacker statistics, log sources, telemetry status,
threat intelligence (the organization's own, and the cross-organization sightings)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Max, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone

from incidents.ingest.models import Event, Sensor, SourceType
from incidents.intel.models import Indicator
from incidents.threats.models import Incident, IncidentStatus, Threat

# An indicator is shared across organizations only once this many distinct ones have seen it.
DISTRIBUTED_MIN_ORGANIZATIONS = 3


def _top(queryset, value, limit: int) -> list[dict[str, Any]]:
    """The most frequent values of an expression (a column or a key of `fields`), counted by the
    database; empty values are dropped afterwards (comparing a JSON key or an inet column with ''
    is not portable)."""
    rows = (
        queryset.order_by()
        .values(value=value)
        .annotate(count=Count("id"))
        .order_by("-count", "value")[: limit + 2]
    )
    return [
        {"value": str(row["value"]), "count": row["count"]} for row in rows if row["value"] not in (None, "")
    ][:limit]


def honeypot_attacker_stats(organization, *, since: datetime, limit: int = 10) -> dict[str, Any]:
    """Cowrie events since a moment: top sources, credentials tried, commands, downloads, sessions."""
    events = Event.objects.for_organization(organization).filter(
        source_type=SourceType.COWRIE, timestamp__gte=since
    )
    logins = events.filter(action="login")
    commands = events.filter(action="command")
    downloads = events.filter(action="file_download")
    sessions = events.filter(action="connection")
    span = timezone.now() - since
    trunc = TruncHour if span <= timedelta(days=3) else TruncDay
    over_time = (
        sessions.annotate(bucket=trunc("timestamp"))
        .order_by()
        .values("bucket")
        .annotate(sessions=Count("id"), sources=Count("src_ip", distinct=True))
        .order_by("bucket")
    )
    totals = events.aggregate(
        events=Count("id"),
        sources=Count("src_ip", distinct=True),
        sessions=Count("id", filter=Q(action="connection")),
        successful_logins=Count("id", filter=Q(action="login", outcome="success")),
        failed_logins=Count("id", filter=Q(action="login", outcome="failure")),
    )
    top_downloads = [
        row
        for row in downloads.order_by()
        .values(url=KeyTextTransform("url", "fields"), sha256=KeyTextTransform("sha256", "fields"))
        .annotate(count=Count("id"))
        .order_by("-count", "url")[: limit + 2]
        if row["url"]
    ][:limit]
    return {
        "since": since,
        "totals": totals,
        "top_source_ips": _top(events, F("src_ip"), limit),
        "top_usernames": _top(logins, F("user"), limit),
        "top_passwords": _top(logins, KeyTextTransform("password", "fields"), limit),
        "top_commands": _top(commands, KeyTextTransform("command", "fields"), limit),
        "downloads": [
            {"url": row["url"], "sha256": row["sha256"] or "", "count": row["count"]} for row in top_downloads
        ],
        "sessions_over_time": [
            {"timestamp": row["bucket"], "sessions": row["sessions"], "sources": row["sources"]}
            for row in over_time
        ],
    }


def log_sources(organization) -> list[dict[str, Any]]:
    """Each (sensor, source type) that sent events, with its event count and last event; and sensors
    that never sent one."""
    rows = (
        Event.objects.for_organization(organization)
        .order_by()
        .values("sensor_id", "sensor__name", "source_type")
        .annotate(events=Count("id"), last_seen_at=Max("timestamp"))
        .order_by("sensor__name", "source_type")
    )
    seen = {row["sensor_id"] for row in rows}
    sources = [
        {
            "sensor_id": row["sensor_id"],
            "name": row["sensor__name"] or f"{row['source_type']} (API)",
            "source_type": row["source_type"],
            "events": row["events"],
            "last_seen_at": row["last_seen_at"],
            "active": True,
        }
        for row in rows
    ]
    for sensor in Sensor.objects.for_organization(organization).exclude(pk__in=[s for s in seen if s]):
        sources.append(
            {
                "sensor_id": sensor.pk,
                "name": sensor.name,
                "source_type": sensor.kind,
                "events": 0,
                "last_seen_at": sensor.last_seen_at,
                "active": sensor.is_active,
            }
        )
    return sources


def telemetry_status(organization) -> dict[str, Any]:
    now = timezone.now()
    events = Event.objects.for_organization(organization)
    last = events.order_by("-timestamp").values("timestamp", "source_type").first()
    sensors = Sensor.objects.for_organization(organization).aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(is_active=True)),
        reporting=Count("id", filter=Q(last_seen_at__gte=now - timedelta(hours=1))),
    )
    incidents = Incident.objects.for_organization(organization).aggregate(
        total=Count("id"),
        **{status: Count("id", filter=Q(status=status)) for status in IncidentStatus.values},
    )
    assets = (
        events.filter(timestamp__gte=now - timedelta(days=30), dst_ip__isnull=False)
        .order_by()
        .values("dst_ip")
        .distinct()
        .count()
    )
    return {
        "assets": {"observed_last_30_days": assets},
        "agents": sensors,
        "incidents": incidents,
        "events": {
            "last_24h": events.filter(timestamp__gte=now - timedelta(hours=24)).count(),
            "last_event_at": last["timestamp"] if last else None,
            "last_event_source": last["source_type"] if last else None,
        },
        "threats_open": Threat.objects.for_organization(organization)
        .filter(status__in=["detected", "analyzing"])
        .count(),
    }


def intelligence_threats(organization, *, limit: int = 50) -> dict[str, Any]:
    """The organization's indicators with their hits, and the threats they raised."""
    indicators = Indicator.objects.for_organization(organization)
    now = timezone.now()
    summary = indicators.aggregate(
        total=Count("id"),
        with_hits=Count("id", filter=Q(hits__gt=0)),
        expired=Count("id", filter=Q(expires_at__lt=now)),
    )
    by_type = {
        row["type"]: row["count"] for row in indicators.order_by().values("type").annotate(count=Count("id"))
    }
    hit = list(
        indicators.filter(hits__gt=0)
        .annotate(threat_count=Count("threats"), last_threat_at=Max("threats__detected_at"))
        .order_by("-hits", "value")[:limit]
    )
    return {
        "summary": {**summary, "by_type": by_type},
        "indicators": [
            {
                "id": i.pk,
                "type": i.type,
                "value": i.value,
                "source": i.source,
                "confidence": i.confidence,
                "hits": i.hits,
                "threats": i.threat_count,
                "last_threat_at": i.last_threat_at,
                "expires_at": i.expires_at,
            }
            for i in hit
        ],
    }


def distributed_threats(organization, *, limit: int = 100) -> list[dict[str, Any]]:
    """Indicators seen by at least DISTRIBUTED_MIN_ORGANIZATIONS organizations: the source ips of
    their threats and the indicators in their feeds. Only counts of distinct organizations leave
    this function; never which organizations, nor their events.

    Cross-tenant by design (audited place): both queries aggregate over every organization."""
    sightings: dict[tuple[str, str], dict[str, Any]] = {}
    source_ips = (
        Threat.objects.unscoped()
        .exclude(source_ip__isnull=True)
        .filter(synthetic=False)
        .order_by()
        .values("source_ip")
        .annotate(organizations=Count("organization", distinct=True), last_seen=Max("last_seen_at"))
        .filter(organizations__gte=DISTRIBUTED_MIN_ORGANIZATIONS)
        .order_by("-organizations", "source_ip")[:limit]
    )
    for row in source_ips:
        sightings[("ip", row["source_ip"])] = {
            "type": "ip",
            "value": row["source_ip"],
            "organizations": row["organizations"],
            "last_seen_at": row["last_seen"],
        }
    feed = (
        Indicator.objects.unscoped()
        .order_by()
        .values("type", "value")
        .annotate(organizations=Count("organization", distinct=True), last_seen=Max("updated_at"))
        .filter(organizations__gte=DISTRIBUTED_MIN_ORGANIZATIONS)
        .order_by("-organizations", "value")[:limit]
    )
    for row in feed:
        key = (row["type"], row["value"])
        found = sightings.get(key)
        if found is None or row["organizations"] > found["organizations"]:
            sightings[key] = {
                "type": row["type"],
                "value": row["value"],
                "organizations": row["organizations"],
                "last_seen_at": row["last_seen"],
            }
    ips_mine = set(
        Threat.objects.for_organization(organization)
        .filter(source_ip__in=[v for t, v in sightings if t == "ip"])
        .values_list("source_ip", flat=True)
    )
    indicators_mine = set(
        Indicator.objects.for_organization(organization)
        .filter(value__in=[v for _, v in sightings])
        .values_list("type", "value")
    )
    ranked = sorted(sightings.values(), key=lambda s: (-s["organizations"], s["type"], s["value"]))
    return [
        {
            **s,
            "seen_by_you": (s["type"] == "ip" and s["value"] in ips_mine)
            or (s["type"], s["value"]) in indicators_mine,
        }
        for s in ranked[:limit]
    ]
