"""A generated, labeled dataset: incidents with threats and analysts' verdicts.

True positives lean towards many events, several ATT&CK techniques, correlation or intel
detectors and longer activity; false positives towards single noisy sigma hits. The classes
overlap (noise), so a model must learn, not memorise a single flag.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from incidents.models import Event, Incident, Threat

_serial = itertools.count(1)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def make_incident(
    organization,
    *,
    status="open",
    severity="high",
    threat_type="brute_force_attack",
    title=None,
    source_ip=None,
    confidence=0.7,
    event_count=10,
    detector="sigma",
    techniques=("T1110",),
    duration_minutes=30,
    at=None,
    ml_confidence=None,
) -> Incident:
    n = next(_serial)
    at = at or NOW - timedelta(hours=n % 200)
    source_ip = source_ip or f"203.0.{n // 250 % 250}.{n % 250 + 1}"
    incident = Incident.objects.create(
        organization=organization,
        human_id=f"INC-2026-{n:05d}",
        title=title or f"{threat_type.replace('_', ' ')} from {source_ip}",
        source_ip=source_ip,
        status=status,
        severity=severity,
        threat_count=1,
        mitre_techniques=list(techniques),
        first_seen_at=at - timedelta(minutes=duration_minutes),
        last_seen_at=at,
    )
    Threat.objects.create(
        organization=organization,
        human_id=f"THR-2026-{n:05d}",
        threat_type=threat_type,
        title=title or f"{threat_type.replace('_', ' ')} from {source_ip}",
        severity=severity,
        confidence=confidence,
        mitre_techniques=list(techniques),
        source_ip=source_ip,
        detector=detector,
        dedupe_key=f"k{n}",
        event_count=event_count,
        incident=incident,
        first_seen_at=at - timedelta(minutes=duration_minutes),
        last_seen_at=at,
        detected_at=at,
    )
    return incident


def labeled_dataset(organization, *, n: int = 160, seed: int = 7, flip: float = 0.1) -> list[Incident]:
    """`n` incidents with verdicts; `flip` of the labels are deliberately wrong (analyst noise)."""
    rng = random.Random(seed)
    incidents = []
    for i in range(n):
        true_positive = i % 2 == 0
        if true_positive:
            kwargs = {
                "confidence": rng.uniform(0.55, 0.95),
                "event_count": rng.randint(15, 400),
                "detector": rng.choice(["correlation", "intel", "sigma"]),
                "techniques": rng.sample(["T1110", "T1059", "T1105", "T1021", "T1078"], rng.randint(1, 4)),
                "duration_minutes": rng.randint(20, 600),
                "severity": rng.choice(["high", "critical", "medium"]),
            }
        else:
            kwargs = {
                "confidence": rng.uniform(0.3, 0.8),
                "event_count": rng.randint(1, 20),
                "detector": "sigma",
                "techniques": rng.sample(["T1595", "T1190"], rng.randint(0, 1)),
                "duration_minutes": rng.randint(0, 30),
                "severity": rng.choice(["low", "medium", "high"]),
            }
        label = true_positive if rng.random() > flip else not true_positive
        incidents.append(
            make_incident(organization, status="resolved" if label else "false_positive", **kwargs)
        )
    return incidents


def make_events(
    organization, *, sources: int = 40, hours: int = 3, start=None, shift: bool = False, seed: int = 3
):
    """Event history per source and hour; `shift` makes every source behave very differently."""
    rng = random.Random(seed)
    start = start or timezone.now() - timedelta(hours=hours + 1)
    rows = []
    for s in range(sources):
        ip = f"198.18.{s // 250}.{s % 250 + 1}"
        for h in range(hours):
            moment = start + timedelta(hours=h, minutes=rng.randint(0, 50))
            count = rng.randint(40, 80) if shift else rng.randint(2, 8)
            for e in range(count):
                rows.append(
                    Event(
                        organization=organization,
                        source_type="ssh",
                        timestamp=moment + timedelta(seconds=e),
                        src_ip=ip,
                        dst_port=(e if shift else 22),
                        user=(f"u{e}" if shift else "root"),
                        dst_ip="10.0.0.5",
                        action="login",
                        outcome="failure" if shift or e % 3 == 0 else "success",
                        raw="generated",
                    )
                )
    Event.objects.bulk_create(rows)
    return rows
