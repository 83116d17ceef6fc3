"""Feature vectors, computed the same way in every organization (fixed transforms, no fitted scaler),
so linear parameters trained in one organization mean the same thing in another (federated averaging).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from incidents.threats.models import SEVERITY_RANK

TRIAGE_FEATURES = [
    "rule_confidence",
    "severity",
    "log_event_count",
    "mitre_techniques",
    "detector_sigma",
    "detector_correlation",
    "detector_intel",
    "has_indicator",
    "log_duration",
    "ioc_count",
    "hour_sin",
    "hour_cos",
]

ANOMALY_FEATURES = [
    "log_events",
    "distinct_ports",
    "distinct_users",
    "distinct_targets",
    "failure_ratio",
    "auth_ratio",
    "hour_sin",
    "hour_cos",
]

_AUTH_ACTIONS = ("login", "auth", "logon", "ssh", "password")


def _hour_cycle(moment: datetime) -> tuple[float, float]:
    angle = 2 * math.pi * (moment.hour + moment.minute / 60) / 24
    return math.sin(angle), math.cos(angle)


def threat_vector(threat: Any, rule_confidence: float | None = None) -> list[float]:
    """One threat's triage features; `rule_confidence` overrides the stored (possibly ML-adjusted) one."""
    confidence = threat.confidence if rule_confidence is None else rule_confidence
    duration = max((threat.last_seen_at - threat.first_seen_at).total_seconds(), 0.0)
    iocs = threat.iocs or {}
    ioc_count = sum(len(v) if isinstance(v, list | dict) else 1 for v in iocs.values())
    sin, cos = _hour_cycle(threat.first_seen_at)
    return [
        float(confidence),
        SEVERITY_RANK.get(threat.severity, 1) / 4.0,
        math.log1p(threat.event_count),
        min(len(threat.mitre_techniques or []), 10) / 10.0,
        1.0 if threat.detector == "sigma" else 0.0,
        1.0 if threat.detector == "correlation" else 0.0,
        1.0 if threat.detector == "intel" else 0.0,
        1.0 if threat.indicator_id else 0.0,
        math.log1p(duration) / 10.0,
        math.log1p(ioc_count),
        sin,
        cos,
    ]


@dataclass
class SourceWindow:
    """Events of one source within one hour."""

    source: str
    hour: datetime
    events: int = 0
    failures: int = 0
    auth: int = 0

    def __post_init__(self) -> None:
        self.ports: set[int] = set()
        self.users: set[str] = set()
        self.targets: set[str] = set()

    def vector(self) -> list[float]:
        sin, cos = _hour_cycle(self.hour)
        return [
            math.log1p(self.events),
            math.log1p(len(self.ports)),
            math.log1p(len(self.users)),
            math.log1p(len(self.targets)),
            self.failures / self.events if self.events else 0.0,
            self.auth / self.events if self.events else 0.0,
            sin,
            cos,
        ]


def source_windows(events: Iterable[dict[str, Any]]) -> dict[tuple[str, datetime], SourceWindow]:
    """Group event rows (src_ip, timestamp, dst_port, user, dst_ip, action, outcome) into hourly windows."""
    windows: dict[tuple[str, datetime], SourceWindow] = {}
    grouped: defaultdict[tuple[str, datetime], list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        if not event.get("src_ip"):
            continue
        hour = event["timestamp"].replace(minute=0, second=0, microsecond=0)
        grouped[(event["src_ip"], hour)].append(event)
    for key, rows in grouped.items():
        window = SourceWindow(source=key[0], hour=key[1])
        for row in rows:
            window.events += 1
            if row.get("dst_port"):
                window.ports.add(row["dst_port"])
            if row.get("user"):
                window.users.add(row["user"])
            if row.get("dst_ip"):
                window.targets.add(row["dst_ip"])
            if (row.get("outcome") or "").lower() in ("failure", "failed", "denied"):
                window.failures += 1
            if any(word in (row.get("action") or "").lower() for word in _AUTH_ACTIONS):
                window.auth += 1
        windows[key] = window
    return windows


def matrix(rows: list[list[float]], width: int) -> np.ndarray:
    if not rows:
        return np.zeros((0, width))
    return np.asarray(rows, dtype=float)
