"""Which rules an organization runs: the built-in set (incidents/rules/*.yml) mirrored into its
DetectionRule rows, plus its custom rules; compiled once per process per rules version."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.core.cache import cache

from incidents.detection.engine import RuleSet
from incidents.detection.models import DetectionRule, RuleKind, RuleOrigin
from incidents.detection.sigma import (
    CompiledCorrelation,
    CompiledRule,
    RuleError,
    compile_document,
    parse_documents,
)

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


@dataclass(frozen=True)
class BuiltinRule:
    sigma_id: str
    yaml: str
    content_hash: str
    compiled: CompiledRule | CompiledCorrelation

    @property
    def kind(self) -> str:
        return RuleKind.CORRELATION if isinstance(self.compiled, CompiledCorrelation) else RuleKind.DETECTION


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@lru_cache(maxsize=1)
def builtin_rules() -> tuple[BuiltinRule, ...]:
    found = []
    for path in sorted(RULES_DIR.glob("*.yml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not document:
                continue
            text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
            (parsed,) = parse_documents(text)
            compiled = compile_document(parsed)
            found.append(BuiltinRule(compiled.sigma_id, text, content_hash(text), compiled))
    return tuple(found)


@lru_cache(maxsize=1)
def builtin_version() -> str:
    return content_hash("".join(rule.content_hash for rule in builtin_rules()))[:16]


def rule_fields(compiled: CompiledRule | CompiledCorrelation) -> dict[str, Any]:
    return {
        "sigma_id": compiled.sigma_id,
        "name": compiled.name,
        "title": compiled.title[:256],
        "level": compiled.severity,
        "threat_type": compiled.threat_type,
        "mitre_techniques": compiled.techniques,
        "kind": RuleKind.CORRELATION if isinstance(compiled, CompiledCorrelation) else RuleKind.DETECTION,
    }


def builtin_rules_sync(organization) -> None:
    """Mirror the built-in rules into the organization's rows (new ones added, changed ones updated)."""
    flag = f"incidents:builtin-synced:{organization.pk}:{builtin_version()}"
    if cache.get(flag):
        return
    existing = {
        row.sigma_id: row
        for row in DetectionRule.objects.for_organization(organization).filter(origin=RuleOrigin.BUILTIN)
    }
    missing = []
    for rule in builtin_rules():
        row = existing.get(rule.sigma_id)
        if row is None:
            missing.append(
                DetectionRule(
                    organization=organization,
                    origin=RuleOrigin.BUILTIN,
                    yaml=rule.yaml,
                    content_hash=rule.content_hash,
                    **rule_fields(rule.compiled),
                )
            )
        elif row.content_hash != rule.content_hash:
            for key, value in rule_fields(rule.compiled).items():
                setattr(row, key, value)
            row.yaml, row.content_hash = rule.yaml, rule.content_hash
            row.save()
    if missing:
        DetectionRule.objects.bulk_create(missing, ignore_conflicts=True)
        rules_changed(organization)
    cache.set(flag, True, timeout=None)


def rules_version(organization) -> int:
    return int(cache.get(f"incidents:rules-version:{organization.pk}") or 0)


def rules_changed(organization) -> None:
    """Any change to an organization's rules or exceptions: compiled rule sets are rebuilt."""
    key = f"incidents:rules-version:{organization.pk}"
    cache.add(key, 0, timeout=None)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


@lru_cache(maxsize=512)
def _compile_text(text: str) -> CompiledRule | CompiledCorrelation:
    (document,) = parse_documents(text)
    return compile_document(document)


def compile_yaml(text: str) -> CompiledRule | CompiledCorrelation:
    """One Sigma document compiled, or RuleError (a fresh copy each call: rule sets annotate it)."""
    documents = parse_documents(text)
    if len(documents) != 1:
        raise RuleError([f"a stored rule is one Sigma document; this text has {len(documents)}"])
    return dataclasses.replace(_compile_text(text))


_RULESETS: dict[Any, tuple[int, RuleSet]] = {}


def ruleset_from_rows(rows: list[DetectionRule]) -> RuleSet:
    rules: list[CompiledRule] = []
    correlations: list[CompiledCorrelation] = []
    for row in rows:
        compiled = compile_yaml(row.yaml)
        compiled.db_id = row.pk
        (correlations if isinstance(compiled, CompiledCorrelation) else rules).append(compiled)  # type: ignore[arg-type]
    return RuleSet(rules, correlations)


def ruleset_for(organization) -> RuleSet:
    builtin_rules_sync(organization)
    version = rules_version(organization)
    cached = _RULESETS.get(organization.pk)
    if cached is not None and cached[0] == version:
        return cached[1]
    rows = list(DetectionRule.objects.for_organization(organization).filter(enabled=True))
    try:
        ruleset = ruleset_from_rows(rows)
    except RuleError:
        # A rule whose reference broke (a correlation's base rule disabled): run the rest.
        usable: list[DetectionRule] = []
        pending = sorted(rows, key=lambda r: r.kind == RuleKind.CORRELATION)
        for _ in range(4):  # correlations may chain: a few passes settle every resolvable one
            left = []
            for row in pending:
                try:
                    ruleset_from_rows([*usable, row])
                    usable.append(row)
                except RuleError:
                    left.append(row)
            pending = left
        ruleset = ruleset_from_rows(usable)
    _RULESETS[organization.pk] = (version, ruleset)
    return ruleset
