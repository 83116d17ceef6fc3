"""Custom rules (validated on save), rule switches, backtests and scoped exceptions."""

from __future__ import annotations

import ipaddress
import itertools
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from incidents.detection.engine import CorrelationState, RuleSet, flatten
from incidents.detection.models import DetectionRule, RuleException, RuleOrigin
from incidents.detection.rulesets import (
    builtin_rules_sync,
    compile_yaml,
    content_hash,
    rule_fields,
    rules_changed,
    ruleset_from_rows,
)
from incidents.detection.services import EVENT_VALUES, ExceptionScope, exception_scope
from incidents.detection.sigma import CompiledCorrelation, CompiledRule, RuleError
from incidents.ingest.models import Event
from incidents.threats.models import Threat
from organizations.services.audit import audit_record

BACKTEST_MAX_EVENTS = 200_000


def _invalid(errors: list[str]) -> ApplicationError:
    return ApplicationError(
        ErrorCode.VALIDATION_ERROR, f"The Sigma rule is invalid: {errors[0]}", {"yaml": errors}
    )


def _validated(organization, text: str, *, replacing: DetectionRule | None = None):
    """Compile the rule and check that it fits with the organization's other rules."""
    try:
        compiled = compile_yaml(text)
    except RuleError as exc:
        raise _invalid(exc.errors) from exc
    rules = DetectionRule.objects.for_organization(organization)
    clash = rules.filter(sigma_id=compiled.sigma_id)
    if replacing is not None:
        clash = clash.exclude(pk=replacing.pk)
    if clash.exists():
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"A rule with id {compiled.sigma_id} already exists.",
            {"id": compiled.sigma_id},
        )
    if compiled.name:
        named = rules.filter(name=compiled.name)
        if replacing is not None:
            named = named.exclude(pk=replacing.pk)
        if named.exists():
            raise _invalid([f"another rule is already named {compiled.name!r}"])
    if isinstance(compiled, CompiledCorrelation):
        try:
            _check_references(organization, compiled, replacing)
        except RuleError as exc:
            raise _invalid(exc.errors) from exc
    return compiled


def _check_references(organization, compiled: CompiledCorrelation, replacing) -> None:
    rows = DetectionRule.objects.for_organization(organization)
    if replacing is not None:
        rows = rows.exclude(pk=replacing.pk)
    known = set()
    for sigma_id, name in rows.values_list("sigma_id", "name"):
        known.add(sigma_id)
        if name:
            known.add(name)
    missing = [ref for ref in compiled.rule_refs if ref not in known]
    if missing:
        raise RuleError([f"the correlation refers to unknown rules: {', '.join(missing)}"])


@transaction.atomic
def rule_create(*, organization, yaml: str, enabled: bool = True, actor=None, request=None) -> DetectionRule:
    builtin_rules_sync(organization)
    compiled = _validated(organization, yaml)
    rule = DetectionRule.objects.create(
        organization=organization,
        origin=RuleOrigin.CUSTOM,
        yaml=yaml,
        content_hash=content_hash(yaml),
        enabled=enabled,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **rule_fields(compiled),
    )
    rules_changed(organization)
    audit_record(action="rule.created", organization=organization, actor=actor, target=rule, request=request)
    return rule


@transaction.atomic
def rule_update(
    *, rule: DetectionRule, yaml: str | None = None, enabled: bool | None = None, actor=None, request=None
):
    if yaml is not None and yaml != rule.yaml:
        if rule.origin == RuleOrigin.BUILTIN:
            raise ApplicationError(
                ErrorCode.FORBIDDEN,
                "Built-in rules cannot be edited; disable it and add a custom rule instead.",
            )
        compiled = _validated(rule.organization, yaml, replacing=rule)
        for key, value in rule_fields(compiled).items():
            setattr(rule, key, value)
        rule.yaml, rule.content_hash = yaml, content_hash(yaml)
    if enabled is not None:
        rule.enabled = enabled
    rule.save()
    rules_changed(rule.organization)
    audit_record(
        action="rule.updated", organization=rule.organization, actor=actor, target=rule, request=request
    )
    return rule


@transaction.atomic
def rule_delete(*, rule: DetectionRule, actor=None, request=None) -> None:
    if rule.origin == RuleOrigin.BUILTIN:
        raise ApplicationError(ErrorCode.FORBIDDEN, "Built-in rules cannot be deleted; disable them instead.")
    organization = rule.organization
    audit_record(action="rule.deleted", organization=organization, actor=actor, target=rule, request=request)
    rule.delete()
    rules_changed(organization)


# --- backtest ---------------------------------------------------------------------------------


def backtest(
    *,
    organization,
    rule: DetectionRule | None = None,
    yaml: str | None = None,
    start: datetime,
    end: datetime,
) -> dict[str, Any]:
    """Replay one rule (saved, or YAML not yet saved) over the organization's stored events in
    [start, end]: hits, which selections matched, and the incidents it would have opened (distinct
    sources, split where the gap between their hits exceeds the incident window)."""
    if end <= start:
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, "`to` must be after `from`.")
    text = rule.yaml if rule is not None else (yaml or "")
    try:
        target = compile_yaml(text)
    except RuleError as exc:
        raise _invalid(exc.errors) from exc
    rows = DetectionRule.objects.for_organization(organization)
    if isinstance(target, CompiledCorrelation):
        base = [
            r
            for r in rows
            if r.kind != "correlation" or r.sigma_id in target.rule_refs or r.name in target.rule_refs
        ]
        base = [r for r in base if r.sigma_id != target.sigma_id]
        try:
            ruleset = ruleset_from_rows(base)
            ruleset = RuleSet(ruleset.rules, [*ruleset.correlations, target])
        except RuleError as exc:
            raise _invalid(exc.errors) from exc
    else:
        ruleset = RuleSet([target], [])
    events = list(
        Event.objects.for_organization(organization)
        .filter(timestamp__gte=start, timestamp__lte=end, parsed=True)
        .order_by("timestamp")
        .values(*EVENT_VALUES)[:BACKTEST_MAX_EVENTS]
    )
    evaluation = ruleset.evaluate(events, CorrelationState())
    selections: Counter[str] = Counter()
    stamps_by_source: dict[str, list[datetime]] = defaultdict(list)
    if isinstance(target, CompiledRule):
        hit_indexes = [h.index for h in evaluation.hits]
        for index in hit_indexes:
            flat = flatten(events[index])
            for name, predicate in target.selections.items():
                if predicate(flat):
                    selections[name] += 1
            stamps_by_source[events[index].get("src_ip") or "-"].append(events[index]["timestamp"])
        hits = len(hit_indexes)
    else:
        fires = [f for f in evaluation.fires if f.correlation.sigma_id == target.sigma_id]
        hit_indexes = [i for f in fires for i in f.indexes]
        hits = len(fires)
        for fire in fires:
            stamps_by_source[fire.group.get("src_ip") or fire.group_key].append(fire.last_ts)
    window = timedelta(seconds=settings.DETECTION_INCIDENT_WINDOW_SECONDS)
    incidents = 0
    for stamps in stamps_by_source.values():
        stamps.sort()
        incidents += 1 + sum(1 for a, b in itertools.pairwise(stamps) if b - a > window)
    return {
        "rule": target.title,
        "from": start,
        "to": end,
        "events_scanned": len(events),
        "truncated": len(events) >= BACKTEST_MAX_EVENTS,
        "hits": hits,
        "selections": dict(selections),
        "sources": len(stamps_by_source),
        "incidents_would_open": incidents,
        "sample_event_ids": [events[i]["id"] for i in hit_indexes[:20]],
    }


# --- exceptions -------------------------------------------------------------------------------


def _scope_check(source_cidr: str, user: str, host: str) -> None:
    if not (source_cidr or user or host):
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, "An exception needs a source_cidr, user or host.")
    if source_cidr:
        try:
            ipaddress.ip_network(source_cidr, strict=False)
        except ValueError:
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                f"{source_cidr!r} is not an IP address or CIDR network.",
                {"source_cidr": ["Not an IP address or CIDR network."]},
            ) from None


def exception_preview(
    *, rule: DetectionRule, source_cidr: str = "", user: str = "", host: str = "", days: int = 7
) -> dict[str, Any]:
    """How many of the rule's threats (and their events) the exception would have suppressed."""
    _scope_check(source_cidr, user, host)
    candidate = RuleException(rule=rule, source_cidr=source_cidr, user=user, host=host)
    scope: ExceptionScope = exception_scope(candidate)
    since = timezone.now() - timedelta(days=days)
    threats = Threat.objects.for_organization(rule.organization_id).filter(rule=rule, last_seen_at__gte=since)
    total = 0
    suppressed_threats = 0
    suppressed_events = 0
    for threat in threats.prefetch_related("events"):
        total += 1
        events = list(threat.events.all().values(*EVENT_VALUES))
        if not events:
            events = [{"src_ip": threat.source_ip, "user": "", "dst_ip": threat.target, "fields": {}}]
        covered = [e for e in events if scope.covers(flatten(e))]
        suppressed_events += len(covered)
        if len(covered) == len(events):
            suppressed_threats += 1
    return {
        "days": days,
        "threats_in_period": total,
        "would_suppress_threats": suppressed_threats,
        "would_suppress_events": suppressed_events,
        "summary": f"would have suppressed {suppressed_threats} threat(s) in the last {days} days",
    }


@transaction.atomic
def exception_create(
    *,
    rule: DetectionRule,
    source_cidr: str = "",
    user: str = "",
    host: str = "",
    reason: str = "",
    expires_at=None,
    actor=None,
    request=None,
) -> RuleException:
    _scope_check(source_cidr, user, host)
    if expires_at is not None and expires_at <= timezone.now():
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, "expires_at must be in the future.")
    exception = RuleException.objects.create(
        organization_id=rule.organization_id,
        rule=rule,
        source_cidr=source_cidr,
        user=user,
        host=host,
        reason=reason,
        expires_at=expires_at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    rules_changed(rule.organization)
    audit_record(
        action="rule_exception.created",
        organization=rule.organization,
        actor=actor,
        target=exception,
        request=request,
    )
    return exception


@transaction.atomic
def exception_delete(*, exception: RuleException, actor=None, request=None) -> None:
    organization = exception.organization
    audit_record(
        action="rule_exception.deleted",
        organization=organization,
        actor=actor,
        target=exception,
        request=request,
    )
    exception.delete()
    rules_changed(organization)
