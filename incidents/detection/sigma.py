"""Sigma rules parsed and validated with pySigma, compiled into Python predicates.

Supported subset (documented in README): field equality (case-insensitive), lists (OR, or AND with
`|all`), wildcards `*` and `?`, modifiers contains / startswith / endswith / re / cidr / all /
exists, null values, numbers and booleans, keyword lists (searched in the raw log), and conditions
with and / or / not / parentheses / `1 of` / `all of` (with `them` or a name pattern). Correlation
rules: event_count, value_count, temporal and temporal_ordered, with group-by, timespan and a
gt/gte/eq condition. Anything else is refused at validation, never silently ignored.

Palisade keys on a rule (Sigma allows custom attributes): `threat_type`, `confidence` (0..1) and
`recommended_actions` (list).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sigma.collection import SigmaCollection
from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.correlations import SigmaCorrelationConditionOperator, SigmaCorrelationRule, SigmaCorrelationType
from sigma.exceptions import SigmaError
from sigma.rule import SigmaDetection, SigmaDetectionItem, SigmaRule
from sigma.types import (
    SigmaBool,
    SigmaCIDRExpression,
    SigmaExists,
    SigmaNull,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaRegularExpressionFlag,
    SigmaString,
    SpecialChars,
)

from incidents.detection.attack import technique_exists

Predicate = Callable[[dict[str, Any]], bool]

LEVEL_SEVERITY = {
    "informational": "low",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "critical": "critical",
}
DEFAULT_CONFIDENCE = {"low": 0.5, "medium": 0.65, "high": 0.8, "critical": 0.9}
# Which normalised source types a Sigma logsource covers; a logsource not listed covers all.
LOGSOURCE_SOURCES: dict[tuple[str, str], frozenset[str]] = {
    ("service", "cowrie"): frozenset({"cowrie"}),
    ("service", "sshd"): frozenset({"sshd"}),
    ("service", "auth"): frozenset({"sshd"}),
    ("category", "authentication"): frozenset({"cowrie", "sshd", "json", "text"}),
    ("category", "webserver"): frozenset({"web", "json"}),
    ("category", "process_creation"): frozenset({"cowrie", "sshd", "json"}),
    ("category", "network_connection"): frozenset({"cowrie", "sshd", "json", "web"}),
    ("category", "honeypot"): frozenset({"cowrie"}),
}
SUPPORTED_CORRELATIONS = {
    SigmaCorrelationType.EVENT_COUNT: "event_count",
    SigmaCorrelationType.VALUE_COUNT: "value_count",
    SigmaCorrelationType.TEMPORAL: "temporal",
    SigmaCorrelationType.TEMPORAL_ORDERED: "temporal_ordered",
}
SUPPORTED_OPERATORS = {
    SigmaCorrelationConditionOperator.GT: "gt",
    SigmaCorrelationConditionOperator.GTE: "gte",
    SigmaCorrelationConditionOperator.EQ: "eq",
}
_TECHNIQUE = re.compile(r"^t\d{4}(?:\.\d{3})?$")


class RuleError(ValueError):
    """A Sigma document that is invalid or outside the supported subset; `errors` lists why."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class CompiledRule:
    sigma_id: str
    name: str
    title: str
    severity: str
    threat_type: str
    confidence: float
    recommended_actions: list[str]
    techniques: list[str]
    source_types: frozenset[str] | None
    match: Predicate
    selections: dict[str, Predicate]
    db_id: Any = None


@dataclass
class CompiledCorrelation:
    sigma_id: str
    name: str
    title: str
    severity: str
    threat_type: str
    confidence: float
    recommended_actions: list[str]
    techniques: list[str]
    type: str
    rule_refs: list[str]
    group_by: tuple[str, ...]
    timespan: int
    operator: str
    count: int
    value_field: str | None
    generate: bool = False
    db_id: Any = None
    rule_names: list[str] = field(default_factory=list)


# --- values -----------------------------------------------------------------------------------


def _as_strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).lower() for v in value if v is not None]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value).lower()]


def _string_test(value: SigmaString, *, anchored: bool = True) -> Callable[[str], bool]:
    """Case-insensitive match of a lowered string; anchored=False searches (keywords)."""
    parts = value.s
    if not anchored:
        pattern = "".join(
            re.escape(p.lower())
            if isinstance(p, str)
            else (".*" if p is SpecialChars.WILDCARD_MULTI else ".")
            for p in parts
        )
        searcher = re.compile(pattern, re.DOTALL)
        return lambda s: searcher.search(s) is not None
    if not value.contains_special():
        literal = str(value).lower()
        return lambda s: s == literal
    wild = SpecialChars.WILDCARD_MULTI
    texts = [p for p in parts if isinstance(p, str)]
    if len(texts) == 1 and all(isinstance(p, str) or p is wild for p in parts):
        text = texts[0].lower()
        shape = tuple(isinstance(p, str) for p in parts)
        if shape == (False, True, False):
            return lambda s: text in s
        if shape == (True, False):
            return lambda s: s.startswith(text)
        if shape == (False, True):
            return lambda s: s.endswith(text)
    pattern = "".join(
        re.escape(p.lower()) if isinstance(p, str) else (".*" if p is wild else ".") for p in parts
    )
    compiled = re.compile(pattern, re.DOTALL)
    return lambda s: compiled.fullmatch(s) is not None


def _value_test(value: Any, errors: list[str], where: str) -> Callable[[Any], bool] | None:
    """A test of one field value (already fetched from the event)."""
    if isinstance(value, SigmaString):
        test = _string_test(value)

        def string_test(v: Any) -> bool:
            if v.__class__ is str:
                return test(v.lower())
            return any(test(s) for s in _as_strings(v))

        return string_test
    if isinstance(value, SigmaNumber):
        number = value.number

        def number_test(v: Any) -> bool:
            for item in v if isinstance(v, list) else [v]:
                try:
                    if float(item) == number:
                        return True
                except (TypeError, ValueError):
                    continue
            return False

        return number_test
    if isinstance(value, SigmaRegularExpression):
        flags = 0
        for flag in value.flags:
            flags |= {
                SigmaRegularExpressionFlag.IGNORECASE: re.IGNORECASE,
                SigmaRegularExpressionFlag.MULTILINE: re.MULTILINE,
                SigmaRegularExpressionFlag.DOTALL: re.DOTALL,
            }[flag]
        try:
            regex = re.compile(str(value.regexp), flags)
        except re.error as exc:
            errors.append(f"{where}: invalid regular expression ({exc})")
            return None
        return lambda v: (
            v is not None
            and any(regex.search(s) for s in (v if isinstance(v, list) else [v]) for s in [str(s)])
        )
    if isinstance(value, SigmaCIDRExpression):
        network = value.network

        def cidr_test(v: Any) -> bool:
            try:
                return v is not None and ipaddress.ip_address(str(v)) in network
            except ValueError:
                return False

        return cidr_test
    if isinstance(value, SigmaNull):
        return lambda v: v is None or v == ""
    if isinstance(value, SigmaBool):
        wanted = value.boolean
        return lambda v: v is wanted or str(v).lower() == str(wanted).lower()
    if isinstance(value, SigmaExists):
        exists = value.exists
        return lambda v: (v is not None and v != "") is exists
    errors.append(f"{where}: {type(value).__name__} values are outside the supported Sigma subset")
    return None


def _field_predicate(name: str, value: Any, errors: list[str]) -> Predicate:
    test = _value_test(value, errors, f"field {name!r}")
    if test is None:
        return lambda ev: False
    return lambda ev: test(ev.get(name))


def _raw_lower(ev: dict[str, Any]) -> str:
    """The raw log lowered (FlatEvent computes it once and keeps it)."""
    try:
        return ev["_raw_lower"]
    except KeyError:
        return str(ev.get("raw") or "").lower()


def _keyword_predicate(value: Any, errors: list[str]) -> Predicate:
    if isinstance(value, SigmaString):
        if not value.contains_special():
            needle = str(value).lower()
            return lambda ev: needle in _raw_lower(ev)
        test = _string_test(value, anchored=False)
        return lambda ev: test(_raw_lower(ev))
    if isinstance(value, SigmaRegularExpression):
        regex_test = _value_test(value, errors, "keyword")
        if regex_test is not None:
            return lambda ev: regex_test(ev.get("raw"))
    errors.append(f"keyword {value!r} is outside the supported Sigma subset")
    return lambda ev: False


def _all(preds: list[Predicate]) -> Predicate:
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda ev: a(ev) and b(ev)
    return lambda ev: all(p(ev) for p in preds)


def _any(preds: list[Predicate]) -> Predicate:
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda ev: a(ev) or b(ev)
    return lambda ev: any(p(ev) for p in preds)


def _string_set_predicate(name: str, values: list[SigmaString]) -> Predicate:
    """One field tested against many plain / contains / startswith / endswith strings (a Sigma
    list): the value is fetched and lowered once, literals become a set lookup."""
    literals: set[str] = set()
    tests: list[Callable[[str], bool]] = []
    needles: list[str] = []
    for value in values:
        if not value.contains_special():
            literals.add(str(value).lower())
            continue
        parts = value.s
        if (
            len(parts) == 3
            and isinstance(parts[1], str)
            and parts[0] is parts[2] is SpecialChars.WILDCARD_MULTI
        ):
            needles.append(parts[1].lower())
        else:
            tests.append(_string_test(value))
    needle_tuple = tuple(needles)

    def check(s: str) -> bool:
        if s in literals:
            return True
        for needle in needle_tuple:
            if needle in s:
                return True
        return any(t(s) for t in tests)

    def predicate(ev: dict[str, Any]) -> bool:
        v = ev.get(name)
        if v is None:
            return False
        if v.__class__ is str:
            return check(v.lower())
        return any(check(s) for s in _as_strings(v))

    return predicate


def _compile_node(node: Any, errors: list[str]) -> Predicate:
    if isinstance(node, ConditionAND):
        return _all([_compile_node(arg, errors) for arg in node.args])
    if isinstance(node, ConditionOR):
        args: list[Any] = list(node.args)
        if (
            len(args) > 1
            and all(isinstance(a, ConditionFieldEqualsValueExpression) for a in args)
            and len({a.field for a in args}) == 1
            and all(isinstance(a.value, SigmaString) for a in args)
        ):
            return _string_set_predicate(args[0].field, [a.value for a in args])
        return _any([_compile_node(arg, errors) for arg in args])
    if isinstance(node, ConditionNOT):
        inner = _compile_node(node.args[0], errors)
        return lambda ev: not inner(ev)
    if isinstance(node, ConditionFieldEqualsValueExpression):
        return _field_predicate(node.field, node.value, errors)
    if isinstance(node, ConditionValueExpression):
        return _keyword_predicate(node.value, errors)
    errors.append(f"{type(node).__name__} is outside the supported Sigma subset")
    return lambda ev: False


def _compile_detection(detection: SigmaDetection | SigmaDetectionItem, errors: list[str]) -> Predicate:
    if isinstance(detection, SigmaDetectionItem):
        if detection.field is None:
            tests = [_keyword_predicate(v, errors) for v in detection.value]
        else:
            tests = [_field_predicate(detection.field, v, errors) for v in detection.value]
        if not tests:
            return lambda ev: False
        return _all(tests) if detection.value_linking is ConditionAND else _any(tests)
    preds = [_compile_detection(item, errors) for item in detection.detection_items]
    return _any(preds) if detection.item_linking is ConditionOR else _all(preds)


# --- rules ------------------------------------------------------------------------------------


def _meta(rule: SigmaRule | SigmaCorrelationRule, errors: list[str]) -> dict[str, Any]:
    custom = rule.custom_attributes or {}
    level = rule.level.name.lower() if rule.level else "medium"
    severity = LEVEL_SEVERITY.get(level, "medium")
    techniques = []
    for tag in rule.tags:
        if tag.namespace == "attack" and _TECHNIQUE.match(tag.name):
            technique = tag.name.upper()
            if not technique_exists(technique):
                errors.append(f"tag attack.{tag.name}: {technique} is not an ATT&CK Enterprise technique")
            techniques.append(technique)
    confidence = custom.get("confidence", DEFAULT_CONFIDENCE[severity])
    try:
        confidence = float(confidence)
        if not 0 <= confidence <= 1:
            raise ValueError
    except (TypeError, ValueError):
        errors.append("confidence must be a number between 0 and 1")
        confidence = DEFAULT_CONFIDENCE[severity]
    actions = custom.get("recommended_actions", [])
    if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
        errors.append("recommended_actions must be a list of strings")
        actions = []
    threat_type = custom.get("threat_type") or re.sub(r"[^a-z0-9]+", "_", rule.title.lower()).strip("_")
    if not rule.id:
        errors.append("the rule needs an `id` (a UUID)")
    return {
        "sigma_id": str(rule.id or ""),
        "name": rule.name or "",
        "title": rule.title,
        "severity": severity,
        "threat_type": str(threat_type)[:64],
        "confidence": confidence,
        "recommended_actions": actions,
        "techniques": techniques,
    }


def _source_types(rule: SigmaRule) -> frozenset[str] | None:
    covered: set[str] = set()
    known = False
    for key in ("service", "category"):
        value = getattr(rule.logsource, key)
        if value and (key, value) in LOGSOURCE_SOURCES:
            covered |= LOGSOURCE_SOURCES[(key, value)]
            known = True
    return frozenset(covered) if known else None


def compile_rule(rule: SigmaRule) -> CompiledRule:
    errors: list[str] = [str(e) for e in rule.errors]
    meta = _meta(rule, errors)
    try:
        conditions = [c.parsed for c in rule.detection.parsed_condition]
    except SigmaError as exc:
        raise RuleError([*errors, str(exc)]) from exc
    match = _any([_compile_node(c, errors) for c in conditions])
    selections = {
        name: _compile_detection(detection, errors) for name, detection in rule.detection.detections.items()
    }
    if errors:
        raise RuleError(errors)
    return CompiledRule(match=match, selections=selections, source_types=_source_types(rule), **meta)


def compile_correlation(rule: Any) -> CompiledCorrelation:
    """`rule` is a pySigma SigmaCorrelationRule (typed Any: its optional attributes are checked here)."""
    errors: list[str] = [str(e) for e in getattr(rule, "errors", [])]
    meta = _meta(rule, errors)
    kind = SUPPORTED_CORRELATIONS.get(rule.type)
    if kind is None:
        errors.append(f"correlation type {rule.type.name.lower()} is outside the supported subset")
    operator, count, value_field = "gte", len(rule.rules or ()), None
    if rule.condition is not None:
        operator = SUPPORTED_OPERATORS.get(rule.condition.op, "")
        if not operator:
            errors.append("correlation conditions support gt, gte and eq")
        count = int(rule.condition.count)
        value_field = rule.condition.fieldref
    if kind == "value_count" and not value_field:
        errors.append("a value_count correlation needs `condition.field`")
    if not rule.timespan or not rule.timespan.seconds:
        errors.append("a correlation needs a timespan")
    if errors:
        raise RuleError(errors)
    return CompiledCorrelation(
        type=kind or "",
        rule_refs=[str(ref.reference) for ref in rule.rules or ()],
        group_by=tuple(rule.group_by or ()),
        timespan=int(rule.timespan.seconds),
        operator=operator,
        count=count,
        value_field=value_field,
        generate=bool(rule.generate),
        **meta,
    )


def parse_documents(text: str) -> list[SigmaRule | SigmaCorrelationRule]:
    """Every Sigma document of a YAML text, or RuleError with pySigma's own messages."""
    try:
        collection = SigmaCollection.from_yaml(text, collect_errors=True, resolve_references=False)
    except SigmaError as exc:
        raise RuleError([str(exc)]) from exc
    except Exception as exc:  # yaml.YAMLError and friends: report, never crash the request
        raise RuleError([f"not valid YAML: {exc}"]) from exc
    errors = [str(e) for e in collection.errors]
    for rule in collection.rules:
        errors.extend(str(e) for e in getattr(rule, "errors", []))
    if errors:
        raise RuleError(errors)
    if not collection.rules:
        raise RuleError(["no Sigma rule in the text"])
    return list(collection.rules)


def compile_document(document: SigmaRule | SigmaCorrelationRule) -> CompiledRule | CompiledCorrelation:
    if isinstance(document, SigmaCorrelationRule):
        return compile_correlation(document)
    if isinstance(document, SigmaRule):
        return compile_rule(document)
    raise RuleError([f"{type(document).__name__} documents are not supported"])
