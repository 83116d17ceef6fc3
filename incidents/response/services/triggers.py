"""Triggers: a small declarative condition language over incidents, evaluated on every incident change.

A condition is one JSON node:

    {"all": [node, ...]}        every node holds        {"any": [node, ...]}   one node holds
    {"not": node}               the node does not hold
    {"field": F, "op": OP, "value": V}
    {"count": {"window_seconds": N, "min": K}}   K or more threats from the incident's source in
                                                  the last N seconds (across incidents)

Fields: severity (ordered low < medium < high < critical), risk_score, threat_count, source_ip,
status, threat_type (the incident's threats' types), source (their detectors: sigma, correlation,
intel), mitre_technique (the incident's techniques; `prefix` matches sub-techniques).
Operators: eq, ne, in, not_in, gt, gte, lt, lte, contains, prefix, cidr. List-valued fields hold
when any element satisfies the operator. A condition is validated on save and every error names
its path (`condition.all[1].op`).

A matching trigger fires at most once per incident, not within `cooldown_seconds` of its last
firing, and at most `max_fires_per_hour`; suppressed firings are recorded with their reason. Firing
creates a workflow from the trigger's steps (`{{incident.source_ip}}`-style placeholders are
filled in); with auto_execute it starts at once unless its actions need approval, which no trigger
can bypass.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from incidents.response.models import (
    FiringOutcome,
    Trigger,
    TriggerFiring,
    TriggerStatus,
    WorkflowOrigin,
    WorkflowStatus,
)
from incidents.response.services.workflows import _validate_steps, workflow_create, workflow_execute
from incidents.threats.models import SEVERITY_RANK, Incident, Threat
from organizations.services.audit import audit_record

FIELDS = {
    "severity": "ordered",
    "risk_score": "number",
    "threat_count": "number",
    "source_ip": "text",
    "status": "text",
    "threat_type": "list",
    "source": "list",
    "mitre_technique": "list",
}
OPERATORS = {"eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "contains", "prefix", "cidr"}
ORDERING_OPS = {"gt", "gte", "lt", "lte"}
MAX_DEPTH = 8
PLACEHOLDER = re.compile(r"\{\{\s*incident\.([a-z_]+)\s*\}\}")


class ConditionError(Exception):
    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _check_value(path: str, field: str, op: str, value: Any) -> None:
    kind = FIELDS[field]
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise ConditionError(f"{path}.value", f"{op} takes a non-empty list")
        for index, item in enumerate(value):
            _check_value(f"{path}.value[{index}]", field, "eq", item)
        return
    if op == "cidr":
        if field != "source_ip":
            raise ConditionError(f"{path}.op", "cidr applies to source_ip only")
        try:
            ipaddress.ip_network(str(value), strict=False)
        except ValueError:
            raise ConditionError(f"{path}.value", f"{value!r} is not a network such as 10.0.0.0/8") from None
        return
    if op in ORDERING_OPS and kind not in ("ordered", "number"):
        raise ConditionError(
            f"{path}.op", f"{op} needs an ordered field (severity, risk_score, threat_count)"
        )
    if kind == "ordered" and value not in SEVERITY_RANK:
        raise ConditionError(f"{path}.value", f"severity is one of {', '.join(SEVERITY_RANK)}, not {value!r}")
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ConditionError(f"{path}.value", f"{field} compares with a number, not {value!r}")
    if kind in ("text", "list") and not isinstance(value, str):
        raise ConditionError(f"{path}.value", f"{field} compares with a string, not {value!r}")


def condition_validate(node: Any, path: str = "condition", depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise ConditionError(path, f"conditions nest at most {MAX_DEPTH} levels")
    if not isinstance(node, dict) or len(node) == 0:
        raise ConditionError(path, "expected an object with one of all, any, not, field, count")
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        if set(node) != {key}:
            raise ConditionError(path, f"{key} stands alone; unexpected keys {sorted(set(node) - {key})}")
        children = node[key]
        if not isinstance(children, list) or not children:
            raise ConditionError(f"{path}.{key}", "expected a non-empty list of conditions")
        for index, child in enumerate(children):
            condition_validate(child, f"{path}.{key}[{index}]", depth + 1)
        return
    if "not" in node:
        if set(node) != {"not"}:
            raise ConditionError(path, "not stands alone")
        condition_validate(node["not"], f"{path}.not", depth + 1)
        return
    if "count" in node:
        spec = node["count"]
        if set(node) != {"count"} or not isinstance(spec, dict):
            raise ConditionError(path, "count takes an object {window_seconds, min}")
        unknown = set(spec) - {"window_seconds", "min"}
        if unknown:
            raise ConditionError(f"{path}.count", f"unexpected keys {sorted(unknown)}")
        for key, low, high in (("window_seconds", 1, 7 * 86400), ("min", 1, 100000)):
            value = spec.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ConditionError(f"{path}.count.{key}", f"expected an integer from {low} to {high}")
        return
    if "field" in node:
        unknown = set(node) - {"field", "op", "value"}
        if unknown:
            raise ConditionError(path, f"unexpected keys {sorted(unknown)}")
        field = node["field"]
        if field not in FIELDS:
            raise ConditionError(
                f"{path}.field", f"unknown field {field!r}; expected one of {', '.join(FIELDS)}"
            )
        op = node.get("op")
        if op not in OPERATORS:
            raise ConditionError(
                f"{path}.op", f"unknown operator {op!r}; expected one of {', '.join(sorted(OPERATORS))}"
            )
        if "value" not in node:
            raise ConditionError(f"{path}.value", "a comparison needs a value")
        _check_value(path, field, op, node["value"])
        return
    raise ConditionError(path, f"unknown node {sorted(node)}; expected one of all, any, not, field, count")


def _clean(*, condition: Any, steps: Any) -> list[dict[str, Any]]:
    try:
        condition_validate(condition)
    except ConditionError as error:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"Invalid trigger condition at {error.path}: {error.message}.",
            {"condition": {"path": error.path, "message": error.message}},
        ) from None
    if not isinstance(steps, list):
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, "steps must be a list.", {"steps": steps})
    # Placeholders stand for incident values: validate with a sample so params keep their types.
    sample = {"source_ip": "192.0.2.1", "human_id": "INC-2000-0001", "severity": "high", "title": "t"}
    _validate_steps([_fill(step, sample) for step in steps if isinstance(step, dict)] or steps)
    return steps


def _fill(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), value)
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    return value


@transaction.atomic
def trigger_create(*, organization, actor=None, **data: Any) -> Trigger:
    data["steps"] = _clean(condition=data.get("condition"), steps=data.get("steps"))
    if Trigger.objects.for_organization(organization).filter(name=data["name"]).exists():
        raise ApplicationError(
            ErrorCode.CONFLICT, f"A trigger named {data['name']!r} exists.", {"name": data["name"]}
        )
    trigger = Trigger.objects.create(
        organization=organization,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **data,
    )
    audit_record(action="response.trigger_created", organization=organization, actor=actor, target=trigger)
    return trigger


@transaction.atomic
def trigger_update(*, trigger: Trigger, actor=None, **changes: Any) -> Trigger:
    condition = changes.get("condition", trigger.condition)
    steps = changes.get("steps", trigger.steps)
    if "condition" in changes or "steps" in changes:
        _clean(condition=condition, steps=steps)
    name = changes.get("name")
    if (
        name
        and name != trigger.name
        and (
            Trigger.objects.for_organization(trigger.organization_id)
            .filter(name=name)
            .exclude(pk=trigger.pk)
            .exists()
        )
    ):
        raise ApplicationError(ErrorCode.CONFLICT, f"A trigger named {name!r} exists.", {"name": name})
    for key, value in changes.items():
        setattr(trigger, key, value)
    trigger.save()
    audit_record(
        action="response.trigger_updated", organization=trigger.organization, actor=actor, target=trigger
    )
    return trigger


@transaction.atomic
def trigger_delete(*, trigger: Trigger, actor=None) -> None:
    audit_record(
        action="response.trigger_deleted",
        organization=trigger.organization,
        actor=actor,
        metadata={"id": str(trigger.pk), "name": trigger.name},
    )
    trigger.delete()


def triggers_set_status(*, organization, ids: list, status: str, actor=None) -> int:
    changed = (
        Trigger.objects.for_organization(organization)
        .filter(pk__in=ids)
        .exclude(status=status)
        .update(status=status)
    )
    audit_record(
        action=f"response.triggers_{status}",
        organization=organization,
        actor=actor,
        metadata={"ids": [str(i) for i in ids], "changed": changed},
    )
    return changed


class IncidentFacts:
    """The values a condition reads, loaded once per incident."""

    def __init__(self, incident: Incident):
        self.incident = incident
        threats = list(
            Threat.objects.for_organization(incident.organization_id)
            .filter(incident=incident)
            .values_list("threat_type", "detector")
        )
        self.values: dict[str, Any] = {
            "severity": incident.severity,
            "risk_score": incident.risk_score,
            "threat_count": incident.threat_count,
            "source_ip": incident.source_ip or "",
            "status": incident.status,
            "threat_type": sorted({t for t, _ in threats}),
            "source": sorted({d for _, d in threats}),
            "mitre_technique": list(incident.mitre_techniques or []),
        }
        self._counts: dict[int, int] = {}

    def count(self, window_seconds: int) -> int:
        if window_seconds not in self._counts:
            if not self.incident.source_ip:
                self._counts[window_seconds] = 0
            else:
                since = self.incident.last_seen_at - timedelta(seconds=window_seconds)
                self._counts[window_seconds] = (
                    Threat.objects.for_organization(self.incident.organization_id)
                    .filter(source_ip=self.incident.source_ip, last_seen_at__gte=since)
                    .count()
                )
        return self._counts[window_seconds]


def _compare(field: str, op: str, actual: Any, expected: Any) -> bool:
    if FIELDS[field] == "list":
        if op in ("ne", "not_in"):
            return not any(_compare(field, "eq" if op == "ne" else "in", item, expected) for item in actual)
        return any(_compare("source_ip", op, item, expected) for item in actual)
    if FIELDS[field] == "ordered":
        actual = SEVERITY_RANK.get(actual, 0)
        expected = (
            [SEVERITY_RANK[v] for v in expected] if isinstance(expected, list) else SEVERITY_RANK[expected]
        )
    checks = {
        "eq": lambda: actual == expected,
        "ne": lambda: actual != expected,
        "in": lambda: actual in expected,
        "not_in": lambda: actual not in expected,
        "gt": lambda: actual > expected,
        "gte": lambda: actual >= expected,
        "lt": lambda: actual < expected,
        "lte": lambda: actual <= expected,
        "contains": lambda: str(expected).lower() in str(actual).lower(),
        "prefix": lambda: str(actual).upper().startswith(str(expected).upper()),
        "cidr": lambda: _in_network(actual, expected),
    }
    return bool(checks[op]())


def _in_network(actual: str, network: str) -> bool:
    try:
        return ipaddress.ip_address(actual) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


def condition_holds(node: dict[str, Any], facts: IncidentFacts) -> bool:
    if "all" in node:
        return all(condition_holds(child, facts) for child in node["all"])
    if "any" in node:
        return any(condition_holds(child, facts) for child in node["any"])
    if "not" in node:
        return not condition_holds(node["not"], facts)
    if "count" in node:
        return facts.count(node["count"]["window_seconds"]) >= node["count"]["min"]
    return _compare(node["field"], node["op"], facts.values[node["field"]], node["value"])


def _suppression(trigger: Trigger, now, fired_at: list) -> tuple[str, str] | None:
    """Why a matching trigger would not fire now, given the times it fired (newest last)."""
    if (
        fired_at
        and trigger.cooldown_seconds
        and now - fired_at[-1] < timedelta(seconds=trigger.cooldown_seconds)
    ):
        return FiringOutcome.COOLDOWN, f"fired {int((now - fired_at[-1]).total_seconds())}s ago"
    recent = [stamp for stamp in fired_at if now - stamp < timedelta(hours=1)]
    if len(recent) >= trigger.max_fires_per_hour:
        return FiringOutcome.RATE_LIMITED, f"fired {len(recent)} times in the last hour"
    return None


def triggers_evaluate(*, incident: Incident) -> list[TriggerFiring]:
    """Evaluate every active trigger on one incident; fire the ones that match."""
    triggers = list(
        Trigger.objects.for_organization(incident.organization_id)
        .filter(status=TriggerStatus.ACTIVE)
        .exclude(firings__incident=incident, firings__outcome=FiringOutcome.FIRED)
    )
    if not triggers:
        return []
    facts = IncidentFacts(incident)
    firings = []
    for trigger in triggers:
        with transaction.atomic():
            locked = (
                Trigger.objects.for_organization(incident.organization_id)
                .select_for_update()
                .get(pk=trigger.pk)
            )
            matched = condition_holds(locked.condition, facts)
            Trigger.objects.for_organization(incident.organization_id).filter(pk=locked.pk).update(
                evaluation_count=F("evaluation_count") + 1, last_evaluated_at=timezone.now()
            )
            if matched:
                firings.append(_fire(locked, incident))
    return firings


def _fired_times(trigger: Trigger) -> list:
    since = timezone.now() - timedelta(hours=1)
    stamps = list(
        trigger.firings.filter(outcome=FiringOutcome.FIRED, created_at__gte=since)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    if trigger.last_fired_at and (not stamps or trigger.last_fired_at > stamps[-1]):
        stamps.append(trigger.last_fired_at)
    return stamps


def _fire(trigger: Trigger, incident: Incident) -> TriggerFiring:
    now = timezone.now()
    suppressed = _suppression(trigger, now, _fired_times(trigger))
    if suppressed is not None:
        return TriggerFiring.objects.create(
            organization_id=trigger.organization_id,
            trigger=trigger,
            incident=incident,
            outcome=suppressed[0],
            detail=suppressed[1],
        )
    values = {
        "source_ip": incident.source_ip or "",
        "human_id": incident.human_id,
        "severity": incident.severity,
        "title": incident.title,
    }
    try:
        with transaction.atomic():
            workflow = workflow_create(
                organization=incident.organization,
                name=f"{trigger.name} on {incident.human_id}",
                description=f"Fired by trigger {trigger.name!r}.",
                steps=_fill(trigger.steps, values),
                origin=WorkflowOrigin.TRIGGER,
                incident=incident,
            )
            firing = TriggerFiring.objects.create(
                organization_id=trigger.organization_id,
                trigger=trigger,
                incident=incident,
                outcome=FiringOutcome.FIRED,
                workflow=workflow,
            )
    except IntegrityError:  # fired for this incident by a concurrent evaluation
        return TriggerFiring.objects.for_organization(trigger.organization_id).get(
            trigger=trigger, incident=incident, outcome=FiringOutcome.FIRED
        )
    except ApplicationError as failure:
        return TriggerFiring.objects.create(
            organization_id=trigger.organization_id,
            trigger=trigger,
            incident=incident,
            outcome=FiringOutcome.FAILED,
            detail=failure.message[:500],
        )
    Trigger.objects.for_organization(trigger.organization_id).filter(pk=trigger.pk).update(
        fire_count=F("fire_count") + 1, last_fired_at=now
    )
    if trigger.auto_execute and workflow.status == WorkflowStatus.READY:
        workflow_execute(workflow=workflow)
    return firing


def trigger_simulate(*, trigger: Trigger, days: int = 7, limit: int = 200) -> dict[str, Any]:
    """Evaluate against recent incidents, oldest first, without acting; cooldown and rate limit
    are applied as if the trigger had fired on each earlier match."""
    since = timezone.now() - timedelta(days=days)
    incidents = list(
        Incident.objects.for_organization(trigger.organization_id)
        .filter(last_seen_at__gte=since)
        .order_by("-last_seen_at")[:limit]
    )[::-1]
    fired_at: list = []
    results = []
    for incident in incidents:
        matched = condition_holds(trigger.condition, IncidentFacts(incident))
        outcome, detail = "no_match", ""
        if matched:
            suppressed = _suppression(trigger, incident.last_seen_at, fired_at)
            if suppressed is None:
                outcome = "would_fire"
                fired_at.append(incident.last_seen_at)
            else:
                outcome, detail = suppressed
        results.append(
            {
                "incident_id": incident.human_id,
                "severity": incident.severity,
                "last_seen_at": incident.last_seen_at,
                "matched": matched,
                "outcome": outcome,
                "detail": detail,
            }
        )
    return {
        "trigger_id": trigger.pk,
        "evaluated": len(results),
        "matched": sum(1 for r in results if r["matched"]),
        "would_fire": sum(1 for r in results if r["outcome"] == "would_fire"),
        "results": results,
    }


def triggers_summary(*, organization) -> dict[str, Any]:
    counts = Trigger.objects.for_organization(organization).aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=TriggerStatus.ACTIVE)),
        paused=Count("id", filter=Q(status=TriggerStatus.PAUSED)),
        archived=Count("id", filter=Q(status=TriggerStatus.ARCHIVED)),
        evaluations=Coalesce(Sum("evaluation_count"), 0),
        fires_total=Coalesce(Sum("fire_count"), 0),
    )
    since = timezone.now() - timedelta(hours=24)
    outcomes = dict(
        TriggerFiring.objects.for_organization(organization)
        .filter(created_at__gte=since)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .values_list("outcome", "n")
    )
    return {
        **counts,
        "last_24h": {outcome: outcomes.get(outcome, 0) for outcome in FiringOutcome.values},
    }
