"""The findings' lifecycle: stable fingerprints and one state machine across rescans.

    (new) --seen--> open --absent from a complete rescan--> fixed --seen again--> open (regression)
    open --triage--> false_positive | accepted_risk (until its expiry; then seen again -> open)

A fingerprint is an HMAC (keyed, salted with the organization) of the scope, the rule and what was
matched (the secret, or the code line without its indentation), never the line number: moving code
does not make a new finding, and identical input yields identical fingerprints, so a rescan of
identical input changes no state. One row per (organization, scope, fingerprint) is enforced by a
unique constraint, so duplicates cannot exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from scans import crypto
from scans.engines.base import EngineFinding, redact
from scans.models import Finding, FindingStatus, Scan

SUPPRESSED = (FindingStatus.FALSE_POSITIVE, FindingStatus.ACCEPTED_RISK)
SEVERITY_ORDER = {"low": 0, "medium": 1, "high": 2, "critical": 3}


@dataclass
class Reconciled:
    findings: list[Finding] = field(default_factory=list)
    new: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)


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
            to_create.append(finding)
            result.new.append(finding)
        else:
            reopened = finding.status == FindingStatus.FIXED or (
                finding.status == FindingStatus.ACCEPTED_RISK
                and finding.triage_expires_at is not None
                and finding.triage_expires_at <= now
            )
            if reopened:
                finding.status = FindingStatus.OPEN
                finding.fixed_at = None
                finding.triage_expires_at = None
                result.new.append(finding)
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
    if to_update:
        for finding in to_update:
            finding.updated_at = now
        Finding.objects.for_organization(organization_id).bulk_update(
            to_update,
            ["status", "fixed_at", "triage_expires_at", "line_number", "last_seen_scan", "updated_at"],
        )
    return result


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
    summary = {"critical": 0, "high": 0, "medium": 0, "low": 0}
    for finding in findings:
        if finding.status not in SUPPRESSED:
            summary[finding.severity] = summary.get(finding.severity, 0) + 1
    score = min(
        100, 40 * summary["critical"] + 20 * summary["high"] + 8 * summary["medium"] + 2 * summary["low"]
    )
    return summary, score
