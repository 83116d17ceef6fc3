"""POST detect (seed D): a synchronous verdict for one log entry, measured for real."""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction

from incidents.detection.services import EVENT_VALUES, detect_events
from incidents.ingest.models import Event
from incidents.ingest.parsers import SOURCE_ALIASES, _ip, parse, parse_timestamp, sniff
from incidents.ingest.services import EVENT_FIELDS
from incidents.threats.models import SEVERITY_RANK

# Confidence that an entry is benign when no rule and no indicator matched it: higher when the
# entry parsed into a known log format (every rule for that format was really evaluated).
BENIGN_CONFIDENCE = {"parsed": 0.9, "free_text": 0.7}


def detect_entry(
    *, organization, log_entry: Any, timestamp=None, source: str = "", metadata: dict | None = None
) -> dict[str, Any]:
    started = time.perf_counter()
    metadata = metadata or {}
    declared = SOURCE_ALIASES.get(source.strip().lower()) if source else None
    normalised = parse(declared, log_entry) if declared else sniff(log_entry)
    if not normalised["parsed"]:
        normalised = sniff(log_entry)
    if timestamp is not None:
        normalised["timestamp"] = timestamp
    elif metadata.get("timestamp"):
        normalised["timestamp"] = parse_timestamp(metadata["timestamp"]) or normalised["timestamp"]
    fields = dict(normalised["fields"])
    if not normalised["user"] and isinstance(metadata.get("user"), str):
        normalised["user"] = metadata["user"][:200]
    for key in ("src_ip", "source_ip", "ip"):
        if not normalised["src_ip"] and metadata.get(key):
            normalised["src_ip"] = _ip(str(metadata[key]))
    attempts = metadata.get("attempts")
    if isinstance(attempts, int) and 1 < attempts <= 10_000:
        fields["repeat"] = attempts  # one entry standing for N attempts, as syslog's "repeated N times"
    if source and not declared:
        fields.setdefault("host", source[:200])
    normalised["fields"] = fields
    with transaction.atomic():
        event = Event.objects.create(organization=organization, **{k: normalised[k] for k in EVENT_FIELDS})
        stored = Event.objects.for_organization(organization).filter(pk=event.pk).values(*EVENT_VALUES)
        outcome = detect_events(organization=organization, events=list(stored))
    threats = [t for t in (*outcome.created, *outcome.updated) if t.events.filter(pk=event.pk).exists()]
    elapsed = round((time.perf_counter() - started) * 1000, 3)
    matched = sorted({h.rule.title for h in outcome.evaluation.hits})
    if not threats:
        confidence = BENIGN_CONFIDENCE["free_text" if normalised["source_type"] == "text" else "parsed"]
        return {
            "threat_id": None,
            "threat_detected": False,
            "confidence": confidence,
            "threat_type": None,
            "severity": None,
            "impact_usd": 0,
            "mitre_attack": [],
            "recommended_actions": [],
            "processing_time_ms": elapsed,
            "source_type": normalised["source_type"],
            "matched_rules": matched,
            "incident_id": None,
        }
    worst = max(threats, key=lambda t: (SEVERITY_RANK.get(t.severity, 0), t.confidence))
    return {
        "threat_id": worst.human_id,
        "threat_detected": True,
        "confidence": worst.confidence,
        "threat_type": worst.threat_type,
        "severity": worst.severity,
        "impact_usd": float(worst.impact_usd),
        "mitre_attack": sorted({m for t in threats for m in t.mitre_techniques}),
        "recommended_actions": worst.recommended_actions,
        "processing_time_ms": elapsed,
        "source_type": normalised["source_type"],
        "matched_rules": sorted({*matched, *(t.title for t in threats)}),
        "incident_id": worst.incident.human_id if worst.incident else None,
    }
