"""Running detection for an organization: batches (Celery), single entries (POST detect), backtests."""

from __future__ import annotations

import ipaddress
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from incidents.detection.bulk import counters_add, insert_rows
from incidents.detection.engine import CorrelationState, Evaluation, FlatEvent, RuleSet
from incidents.detection.models import CorrelationHit, DetectionRule, RuleException
from incidents.detection.rulesets import ruleset_for
from incidents.detection.sigma import CompiledCorrelation, CompiledRule
from incidents.ingest.models import BatchStatus, Event, IngestBatch
from incidents.intel.matching import matcher_for
from incidents.intel.models import Indicator
from incidents.threats.models import Threat
from incidents.threats.services import Candidate, threats_upsert

EVENT_VALUES = (
    "id",
    "timestamp",
    "source_type",
    "src_ip",
    "src_port",
    "dst_ip",
    "dst_port",
    "user",
    "action",
    "outcome",
    "message",
    "raw",
    "fields",
    "parsed",
)
INTEL_SEVERITY = [(90, "critical"), (70, "high"), (40, "medium"), (0, "low")]
BUCKETS_PER_TIMESPAN = 20
HIT_FIELDS = (
    "organization",
    "created_at",
    "updated_at",
    "correlation_id",
    "group_key",
    "rule_name",
    "value",
    "weight",
    "timestamp",
    "event",
)


@dataclass
class ExceptionScope:
    id: Any
    network: Any
    user: str
    host: str

    def covers(self, event: FlatEvent) -> bool:
        if self.network is not None:
            try:
                if ipaddress.ip_address(str(event.get("src_ip") or "")) not in self.network:
                    return False
            except ValueError:
                return False
        if self.user and str(event.get("user") or "").lower() != self.user.lower():
            return False
        if self.host:
            hosts = {str(event.get(k) or "").lower() for k in ("dst_ip", "host", "sensor")}
            if self.host.lower() not in hosts:
                return False
        return True


def exception_scope(exception: RuleException) -> ExceptionScope:
    network = ipaddress.ip_network(exception.source_cidr, strict=False) if exception.source_cidr else None
    return ExceptionScope(exception.pk, network, exception.user, exception.host)


@dataclass
class Suppressor:
    scopes: dict[Any, list[ExceptionScope]]
    used: dict[Any, int] = field(default_factory=lambda: defaultdict(int))

    def __call__(self, rule: CompiledRule | CompiledCorrelation, event: FlatEvent) -> bool:
        for scope in self.scopes.get(rule.db_id, ()):
            if scope.covers(event):
                self.used[scope.id] += 1
                return True
        return False


def suppressor_for(organization) -> Suppressor | None:
    now = timezone.now()
    exceptions = RuleException.objects.for_organization(organization).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    scopes: dict[Any, list[ExceptionScope]] = defaultdict(list)
    for exception in exceptions:
        scopes[exception.rule_id].append(exception_scope(exception))
    return Suppressor(dict(scopes)) if scopes else None


def _group_keys(ruleset: RuleSet, events: list[dict[str, Any]]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for correlation in ruleset.correlations:
        wanted = keys.setdefault(correlation.sigma_id, set())
        for event in events:
            values = []
            for name in correlation.group_by:
                value = event.get(name)
                if value is None:
                    value = (event.get("fields") or {}).get(name)
                if value is None or value == "":
                    break
                values.append(f"{name}={value}")
            else:
                wanted.add("|".join(values))
    return keys


def correlation_state_for(organization, ruleset: RuleSet, events: list[dict[str, Any]]) -> CorrelationState:
    """Windows seeded with the organization's earlier hits for the groups these events touch."""
    state = CorrelationState()
    if not ruleset.correlations or not events:
        return state
    earliest = min(event["timestamp"] for event in events)
    for correlation_id, group_keys in _group_keys(ruleset, events).items():
        if not group_keys:
            continue
        span = next(c.timespan for c in ruleset.correlations if c.sigma_id == correlation_id)
        keys = sorted(group_keys)
        rows: dict[str, list] = defaultdict(list)
        for start in range(0, len(keys), 500):
            hits = (
                CorrelationHit.objects.for_organization(organization)
                .filter(
                    correlation_id=correlation_id,
                    group_key__in=keys[start : start + 500],
                    timestamp__gte=earliest - timedelta(seconds=span),
                )
                .values_list("group_key", "timestamp", "rule_name", "value", "weight")
            )
            for group_key, stamp, rule_name, value, weight in hits:
                rows[group_key].append((stamp.timestamp(), rule_name, value, weight, None))
        for group_key, entries in rows.items():
            state.seed(correlation_id, group_key, entries)
    return state


def candidates_from(
    ruleset: RuleSet, evaluation: Evaluation, events: list[dict[str, Any]]
) -> list[Candidate]:
    grouped: dict[tuple[str, str], list[int]] = defaultdict(list)
    rules: dict[str, CompiledRule] = {}
    for hit in evaluation.hits:
        if not ruleset.generates(hit.rule):
            continue
        source = events[hit.index].get("src_ip") or ""
        grouped[(hit.rule.sigma_id, source)].append(hit.index)
        rules[hit.rule.sigma_id] = hit.rule
    candidates = []
    for (sigma_id, source), indexes in grouped.items():
        rule = rules[sigma_id]
        chosen = [events[i] for i in indexes]
        candidates.append(_candidate(rule, "sigma", source or None, chosen))
    for fire in evaluation.fires:
        chosen = [events[i] for i in fire.indexes]
        if not chosen:
            continue
        source = fire.group.get("src_ip") or chosen[0].get("src_ip")
        candidate = _candidate(fire.correlation, "correlation", source, chosen)
        candidate.key = f"{fire.correlation.sigma_id}|{fire.group_key}"
        candidate.first_ts = min(candidate.first_ts, fire.first_ts)
        candidates.append(candidate)
    return candidates


def _candidate(rule, detector: str, source: str | None, chosen: list[dict[str, Any]]) -> Candidate:
    stamps = [e["timestamp"] for e in chosen]
    return Candidate(
        key=rule.sigma_id,
        title=rule.title,
        threat_type=rule.threat_type,
        severity=rule.severity,
        confidence=rule.confidence,
        techniques=list(rule.techniques),
        recommended_actions=list(rule.recommended_actions),
        detector=detector,
        source_ip=source,
        events=chosen,
        first_ts=min(stamps),
        last_ts=max(stamps),
        rule_id=rule.db_id,
    )


def intel_candidates(organization, events: list[dict[str, Any]]) -> tuple[list[Candidate], dict[Any, int]]:
    matcher = matcher_for(organization)
    if not matcher:
        return [], {}
    grouped: dict[tuple[Any, str], list[dict[str, Any]]] = defaultdict(list)
    indicators: dict[Any, Indicator] = {}
    observed: dict[tuple[Any, str], set[str]] = defaultdict(set)
    for event in events:
        for indicator, value in matcher.match(event):
            key = (indicator.pk, event.get("src_ip") or "")
            grouped[key].append(event)
            indicators[indicator.pk] = indicator
            observed[key].add(value)
    candidates = []
    hits: dict[Any, int] = defaultdict(int)
    for (indicator_id, source), chosen in grouped.items():
        indicator = indicators[indicator_id]
        hits[indicator_id] += len(chosen)
        severity = next(s for floor, s in INTEL_SEVERITY if indicator.confidence >= floor)
        stamps = [e["timestamp"] for e in chosen]
        kind = (
            "hashes"
            if indicator.type in ("sha256", "md5")
            else {"ip": "ips", "cidr": "ips"}.get(
                indicator.type, "domains" if indicator.type == "domain" else "urls"
            )
        )
        candidates.append(
            Candidate(
                key=f"intel:{indicator_id}",
                title=f"Threat intelligence match: {indicator.type} {indicator.value}",
                threat_type="threat_intel_match",
                severity=severity,
                confidence=round(indicator.confidence / 100, 3),
                techniques=[],
                recommended_actions=["quarantine_ip", "alert_admin", "review_indicator_source"],
                detector="intel",
                source_ip=source or None,
                events=chosen,
                first_ts=min(stamps),
                last_ts=max(stamps),
                indicator=indicator,
                extra_iocs={kind: observed[(indicator_id, source)]},
            )
        )
    return candidates, hits


@dataclass
class DetectionOutcome:
    evaluation: Evaluation
    created: list[Threat]
    updated: list[Threat]


def bucket_seconds(correlation: CompiledCorrelation) -> int:
    """The width of the buckets a correlation's hits are stored in: a twentieth of its timespan."""
    return max(1, correlation.timespan // BUCKETS_PER_TIMESPAN)


def _store_feeds(organization, evaluation: Evaluation, events) -> int:
    """Store the hits that feed correlations, summed per (correlation, group, rule, value, bucket).

    A bucket row carries the summed weight and the time of its latest hit, so a window seeded from
    it in a later batch counts the bucket's hits until the latest one leaves the timespan: windows
    that span batches are exact to one bucket (a twentieth of the timespan) and never drop a hit
    early. Within a batch the engine still sees every hit at its own time.
    """
    buckets: dict[tuple[str, str, str, str, int], list[Any]] = {}
    for correlation, group_key, rule_name, value, weight, index, stamp in evaluation.feeds:
        key = (
            correlation.sigma_id,
            group_key[:300],
            rule_name[:120],
            value[:300],
            int(stamp.timestamp()) // bucket_seconds(correlation),
        )
        bucket = buckets.get(key)
        if bucket is None:
            buckets[key] = [weight, stamp, events[index].get("id")]
            continue
        bucket[0] += weight
        if stamp >= bucket[1]:
            bucket[1], bucket[2] = stamp, events[index].get("id")
    now = timezone.now()
    return insert_rows(
        CorrelationHit,
        HIT_FIELDS,
        (
            (organization.pk, now, now, correlation_id, group_key, rule_name, value, weight, stamp, event_id)
            for (correlation_id, group_key, rule_name, value, _bucket), (
                weight,
                stamp,
                event_id,
            ) in buckets.items()
        ),
    )


def _record(organization, ruleset: RuleSet, evaluation: Evaluation, events, suppressor, intel_hits) -> None:
    _store_feeds(organization, evaluation, events)
    counts: dict[Any, int] = defaultdict(int)
    last: dict[Any, datetime] = {}
    for hit in evaluation.hits:
        counts[hit.rule.db_id] += 1
        stamp = events[hit.index]["timestamp"]
        last[hit.rule.db_id] = max(last.get(hit.rule.db_id, stamp), stamp)
    for fire in evaluation.fires:
        counts[fire.correlation.db_id] += 1
        last[fire.correlation.db_id] = max(last.get(fire.correlation.db_id, fire.last_ts), fire.last_ts)
    counters_add(
        DetectionRule,
        organization_id=organization.pk,
        counter="hits",
        amounts=counts,
        assign={"last_hit_at": last},
    )
    every: list[CompiledRule | CompiledCorrelation] = [*ruleset.rules, *ruleset.correlations]
    by_sigma = {r.sigma_id: r.db_id for r in every}
    counters_add(
        DetectionRule,
        organization_id=organization.pk,
        counter="suppressed",
        amounts={by_sigma.get(sigma_id): count for sigma_id, count in evaluation.suppressed.items()},
    )
    if suppressor is not None:
        counters_add(
            RuleException,
            organization_id=organization.pk,
            counter="suppressed",
            amounts=dict(suppressor.used),
        )
    counters_add(Indicator, organization_id=organization.pk, counter="hits", amounts=dict(intel_hits))


def detect_events(
    *, organization, events: list[dict[str, Any]], synthetic: bool = False, sensor_name: str = ""
) -> DetectionOutcome:
    """The whole pipeline over stored events (dicts with `id`): rules, correlations, intel, threats."""
    ruleset = ruleset_for(organization)
    suppressor = suppressor_for(organization)
    state = correlation_state_for(organization, ruleset, events)
    evaluation = ruleset.evaluate(events, state, suppressor)
    candidates = candidates_from(ruleset, evaluation, events)
    intel, intel_hits = intel_candidates(organization, events)
    with transaction.atomic():
        _record(organization, ruleset, evaluation, events, suppressor, intel_hits)
        created, updated = threats_upsert(
            organization=organization,
            candidates=[*candidates, *intel],
            synthetic=synthetic,
            sensor_name=sensor_name,
        )
    return DetectionOutcome(evaluation, created, updated)


def batch_detect(*, organization_id, batch_id) -> int:
    """Detection for one ingest batch; safe to run twice (a finished batch is left alone)."""
    batch = (
        IngestBatch.objects.for_organization(organization_id)
        .select_related("organization", "sensor")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None or batch.status == BatchStatus.DONE:
        return 0
    batch.status = BatchStatus.RUNNING
    batch.save(update_fields=["status", "updated_at"])
    events = list(
        Event.objects.for_organization(organization_id)
        .filter(batch_id=batch.pk, parsed=True)
        .values(*EVENT_VALUES)
    )
    outcome = detect_events(
        organization=batch.organization,
        events=events,
        synthetic=batch.synthetic,
        sensor_name=batch.sensor.name if batch.sensor else "",
    )
    horizon = timezone.now() - timedelta(seconds=settings.DETECTION_CORRELATION_RETENTION_SECONDS)
    CorrelationHit.objects.for_organization(organization_id).filter(created_at__lt=horizon).delete()
    batch.status = BatchStatus.DONE
    batch.threats_created = len(outcome.created)
    batch.processed_at = timezone.now()
    batch.save(update_fields=["status", "threats_created", "processed_at", "updated_at"])
    return len(outcome.created)


def batch_failed(*, organization_id, batch_id, error: str) -> None:
    IngestBatch.objects.for_organization(organization_id).filter(pk=batch_id).update(
        status=BatchStatus.FAILED, error=error[:2000]
    )


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
