"""Runs the credential rules over one text, most specific rules first, without overlapping matches."""

from __future__ import annotations

import re
from functools import lru_cache

from scans.engines.base import EngineFinding, LineIndex
from scans.engines.secrets.rules import RULES, SecretRule

# Generic rules only report values that no provider rule already reported.
GENERIC = {"password-assignment", "url-password"}


def _prefilter(rule: SecretRule, text: str, lowered: str) -> bool:
    haystack = lowered if rule.keywords_ignore_case else text
    return any(keyword in haystack for keyword in rule.keywords)


def scan_text(text: str, file_path: str = "") -> list[EngineFinding]:
    """Secrets in `text`; each finding carries the value (for hashing and redaction only)."""
    if not text:
        return []
    lowered = text.lower()
    # Lower-casing keeps offsets unless a character changes length (e.g. U+0130); then match as is.
    same_offsets = len(lowered) == len(text)
    lines = LineIndex(text)
    spans: list[tuple[int, int]] = []
    findings: list[EngineFinding] = []
    for rule in RULES:
        if not _prefilter(rule, text, lowered):
            continue
        pattern, haystack = rule.pattern, text
        if rule.keywords_ignore_case:
            if same_offsets:
                haystack = lowered
            else:
                pattern = _ignoring_case(rule.pattern.pattern)
        for match in pattern.finditer(haystack):
            start, end = match.span(rule.group)
            value = text[start:end]
            if rule.validator is not None and not rule.validator(value):
                continue
            if any(start < other_end and other_start < end for other_start, other_end in spans):
                continue
            if rule.rule_id in GENERIC and _inside_specific(text, start):
                continue
            spans.append((start, end))
            findings.append(
                EngineFinding(
                    rule_id=rule.rule_id,
                    finding_type=rule.finding_type,
                    severity=rule.severity,
                    description=f"{rule.title} detected in the code.",
                    remediation=rule.remediation,
                    file_path=file_path,
                    line_number=lines.line_of(start),
                    value=value,
                    identity=f"{rule.rule_id}:{value}",
                )
            )
    findings.sort(key=lambda finding: finding.line_number or 0)
    return findings


@lru_cache(maxsize=32)
def _ignoring_case(source: str) -> re.Pattern[str]:
    return re.compile(source, re.IGNORECASE)


def _inside_specific(text: str, start: int) -> bool:
    """A generic match inside a test fixture's obvious fake (e.g. `password = "${DB_PASSWORD}"`)."""
    return text[max(0, start - 2) : start] in ("${", "{{")
