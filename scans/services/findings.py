"""The findings' lifecycle: stable fingerprints and one state machine across rescans.

    (new) --seen--> open --absent from a complete rescan--> fixed --seen again--> open (regression)
    open --triage--> false_positive | accepted_risk | exception (until an expiry; then seen again -> open)
    (new) or fixed --seen, matched by an active triage rule--> that rule's resolution, never open

A triaged finding is never reopened by a rescan (nor fixed by one) unless its triage has expired.

A fingerprint is an HMAC (keyed, salted with the organization) of the scope, the rule and what was
matched (the secret, or the code line without its indentation), never the line number: moving code
does not make a new finding, and identical input yields identical fingerprints, so a rescan of
identical input changes no state. One row per (organization, scope, fingerprint) is enforced by a
unique constraint, so duplicates cannot exist.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from scans import crypto
from scans.engines.base import EngineFinding, redact
from scans.models import Finding, FindingStatus, Scan, ScanType, TriageRule

SUPPRESSED = (FindingStatus.FALSE_POSITIVE, FindingStatus.ACCEPTED_RISK, FindingStatus.EXCEPTION)
SEVERITY_ORDER = {"low": 0, "medium": 1, "high": 2, "critical": 3}


@dataclass
class Reconciled:
    findings: list[Finding] = field(default_factory=list)
    # Newly open (first seen, or reopened): these alert; triaged-away ones are in `suppressed`.
    new: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)


def active_triage_rules(organization_id, now=None) -> list[TriageRule]:
    now = now or timezone.now()
    return list(
        TriageRule.objects.for_organization(organization_id)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("created_at", "pk")
    )


def rule_matches(rule: TriageRule, finding: Finding, now=None) -> bool:
    """Whether a triage rule covers a finding: every given scope part must match (glob on the path)."""
    now = now or timezone.now()
    if rule.expires_at is not None and rule.expires_at <= now:
        return False
    if finding.scan_type != ScanType.CODE:
        return False
    if rule.project_id is not None and rule.project_id != finding.project_id:
        return False
    if rule.rule_id and rule.rule_id != finding.rule_id:
        return False
    return not (rule.file_pattern and not fnmatch.fnmatchcase(finding.file_path, rule.file_pattern))


def first_matching_rule(rules: Iterable[TriageRule], finding: Finding, now=None) -> TriageRule | None:
    return next((rule for rule in rules if rule_matches(rule, finding, now)), None)


def apply_rule(finding: Finding, rule: TriageRule, now) -> None:
    finding.status = rule.resolution
    finding.triage_rule = rule
    finding.triage_expires_at = rule.expires_at
    finding.triage_reason = rule.reason or rule.name
    finding.triaged_by = None
    finding.triaged_at = now
    finding.fixed_at = None


def clear_triage(finding: Finding) -> None:
    finding.status = FindingStatus.OPEN
    finding.triage_rule = None
    finding.triage_expires_at = None
    finding.triage_reason = ""
    finding.triaged_by = None
    finding.triaged_at = None
    finding.fixed_at = None


def triage_expired(finding: Finding, now) -> bool:
    return (
        finding.status in SUPPRESSED
        and finding.triage_expires_at is not None
        and finding.triage_expires_at <= now
    )


def fingerprint(organization_id, scope_key: str, engine_finding: EngineFinding) -> str:
    identity = engine_finding.identity or f"{engine_finding.rule_id}:{engine_finding.file_path}"
    if engine_finding.value:
        identity = f"{identity}:{engine_finding.file_path}"
    return crypto.value_hash(organization_id, f"{scope_key}\x1f{identity}")


def findings_reconcile(*, scan: Scan, engine_findings: list[EngineFinding], complete: bool) -> Reconciled:
    """Upserts this scan's findings into its scope and moves their states; call inside a transaction."""
    organization_id = scan.organization_id
    now = timezone.now()
    current: dict[str, EngineFinding] = {}
    for engine_finding in engine_findings:
        current.setdefault(fingerprint(organization_id, scan.scope_key, engine_finding), engine_finding)
    existing = {
        finding.fingerprint: finding
        for finding in Finding.objects.for_organization(organization_id)
        .select_for_update()
        .filter(scope_key=scan.scope_key)
    }
    rules = active_triage_rules(organization_id, now)
    result = Reconciled()
    to_create = []
    to_update = []
    for key, engine_finding in current.items():
        finding = existing.get(key)
        if finding is None:
            finding = Finding(
                organization_id=organization_id,
                project_id=scan.project_id,
                scope_key=scan.scope_key,
                fingerprint=key,
                scan_type=scan.scan_type,
                rule_id=engine_finding.rule_id,
                finding_type=engine_finding.finding_type,
                severity=engine_finding.severity,
                file_path=engine_finding.file_path[:500],
                line_number=engine_finding.line_number,
                description=engine_finding.description,
                remediation=engine_finding.remediation,
                redacted_preview=redact(engine_finding.value) if engine_finding.value else "",
                value_hash=crypto.value_hash(organization_id, engine_finding.value)
                if engine_finding.value
                else "",
                first_seen_scan=scan,
                last_seen_scan=scan,
            )
            rule = first_matching_rule(rules, finding, now)
            if rule is not None:
                apply_rule(finding, rule, now)
            to_create.append(finding)
            (result.new if rule is None else result.suppressed).append(finding)
        else:
            if finding.status == FindingStatus.FIXED or triage_expired(finding, now):
                clear_triage(finding)
                result.new.append(finding)
            if finding.status == FindingStatus.OPEN:
                rule = first_matching_rule(rules, finding, now)
                if rule is not None:
                    apply_rule(finding, rule, now)
                    if finding in result.new:
                        result.new.remove(finding)
                    result.suppressed.append(finding)
            finding.line_number = engine_finding.line_number
            finding.last_seen_scan = scan
            to_update.append(finding)
        result.findings.append(finding)
    if complete:
        for key, finding in existing.items():
            if key not in current and finding.status == FindingStatus.OPEN:
                finding.status = FindingStatus.FIXED
                finding.fixed_at = now
                to_update.append(finding)
                result.fixed.append(finding)
    # A concurrent scan of the same scope may insert the same new fingerprint first: the unique
    # constraint keeps one row, and only the scan whose row it is reports it as new (and alerts).
    Finding.objects.for_organization(organization_id).bulk_create(to_create, ignore_conflicts=True)
    if to_create:
        stored = {
            finding.fingerprint: finding
            for finding in Finding.objects.for_organization(organization_id).filter(
                scope_key=scan.scope_key, fingerprint__in=[finding.fingerprint for finding in to_create]
            )
        }
        created = {finding.fingerprint for finding in to_create}
        result.findings = [stored.get(finding.fingerprint, finding) for finding in result.findings]
        result.new = [
            stored.get(finding.fingerprint, finding)
            for finding in result.new
            if finding.fingerprint not in created or stored[finding.fingerprint].first_seen_scan_id == scan.pk
        ]
        result.suppressed = [stored.get(finding.fingerprint, finding) for finding in result.suppressed]
    if to_update:
        for finding in to_update:
            finding.updated_at = now
        Finding.objects.for_organization(organization_id).bulk_update(
            to_update,
            [*TRIAGE_FIELDS, "line_number", "last_seen_scan", "updated_at"],
        )
    return result


TRIAGE_FIELDS = [
    "status",
    "fixed_at",
    "triage_expires_at",
    "triage_rule",
    "triage_reason",
    "triaged_by",
    "triaged_at",
]


def finding_result(finding: Finding) -> dict:
    """A finding as GET scans/{id} shows it: redacted, with its lifecycle state."""
    return {
        "finding_id": str(finding.pk),
        "finding_type": finding.finding_type,
        "rule_id": finding.rule_id,
        "severity": finding.severity,
        "file_path": finding.file_path,
        "line_number": finding.line_number,
        "description": finding.description,
        "remediation": finding.remediation,
        "redacted_value": finding.redacted_preview,
        "status": finding.status,
        "fingerprint": finding.fingerprint,
    }


def summarize(findings: list[Finding]) -> tuple[dict[str, int], int]:
    """Counts by severity of the findings that are not suppressed by triage, and a 0-100 score."""
    return summarize_states((finding.severity, finding.status) for finding in findings)


def summarize_states(states: Iterable[tuple[str, str]]) -> tuple[dict[str, int], int]:
    """The same from (severity, status) pairs, e.g. a stored scan's results after a triage."""
    summary = {"critical": 0, "high": 0, "medium": 0, "low": 0}
    for severity, status in states:
        if status not in SUPPRESSED:
            summary[severity] = summary.get(severity, 0) + 1
    score = min(
        100, 40 * summary["critical"] + 20 * summary["high"] + 8 * summary["medium"] + 2 * summary["low"]
    )
    return summary, score
