"""Triage: one vocabulary (false_positive, accepted_risk with expiry, exception) for findings.

A person triages one finding (`finding_triage`), or declares a triage rule that covers every
finding its scope matches (`triage_rule_create` / `_update` / `_delete`): rule, file glob, project
or the whole organization. A rule applies at once to the open findings it matches and to every
future scan (findings_reconcile creates matching findings already triaged). Each write returns its
effect: the findings whose status changes and the stored scans whose summary and risk score change
with them; `previewed()` runs the same write and rolls it back, so a preview is exactly the effect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from organizations.services.audit import audit_record
from scans.models import Finding, FindingStatus, Scan, ScanType, TriageResolution, TriageRule
from scans.services.findings import (
    SUPPRESSED,
    TRIAGE_FIELDS,
    active_triage_rules,
    apply_rule,
    clear_triage,
    first_matching_rule,
    rule_matches,
    summarize_states,
)
from scans.services.scans import risk_level

PREVIEW_SAMPLE = 50


@dataclass
class FindingChange:
    finding: Finding
    status_before: str
    status_after: str


@dataclass
class ScanChange:
    scan_id: Any
    project_id: Any
    findings_changed: int
    ai_risk_score_before: int | None
    ai_risk_score_after: int | None


@dataclass
class TriageEffect:
    findings: list[FindingChange] = field(default_factory=list)
    scans: list[ScanChange] = field(default_factory=list)
    target: Any = None


class _Rollback(Exception):
    pass


def previewed(write: Callable[[], TriageEffect]) -> TriageEffect:
    """Runs a triage write inside a savepoint and rolls it back: its effect, with nothing changed."""
    effect: TriageEffect | None = None
    try:
        with transaction.atomic():
            effect = write()
            raise _Rollback
    except _Rollback:
        pass
    assert effect is not None
    return effect


def _validate_expiry(resolution: str, expires_at: datetime | None, *, required: bool) -> None:
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": ["Must be in the future."]})
    if required and resolution == TriageResolution.ACCEPTED_RISK and expires_at is None:
        raise ValidationError({"expires_at": ["An accepted risk needs an expiry."]})


def _save_changes(organization_id, changes: list[FindingChange]) -> list[ScanChange]:
    if not changes:
        return []
    now = timezone.now()
    for change in changes:
        change.finding.updated_at = now
    Finding.objects.for_organization(organization_id).bulk_update(
        [change.finding for change in changes], [*TRIAGE_FIELDS, "updated_at"]
    )
    return scans_rescore(
        organization_id=organization_id,
        scan_ids={change.finding.last_seen_scan_id for change in changes if change.finding.last_seen_scan_id},
    )


def scans_rescore(*, organization_id, scan_ids) -> list[ScanChange]:
    """Re-derives the stored results, summary and risk score of scans from their findings' states."""
    scans = list(
        Scan.objects.for_organization(organization_id)
        .select_for_update()
        .defer("payload_encrypted")
        .filter(pk__in=scan_ids, scan_type=ScanType.CODE)
        .order_by("created_at")
    )
    finding_ids = {row.get("finding_id") for scan in scans for row in scan.results}
    states = {
        str(pk): status
        for pk, status in Finding.objects.for_organization(organization_id)
        .filter(pk__in=finding_ids)
        .values_list("pk", "status")
    }
    changes = []
    for scan in scans:
        changed = 0
        for row in scan.results:
            status = states.get(row.get("finding_id"), row.get("status"))
            if status != row.get("status"):
                row["status"] = status
                changed += 1
        if not changed:
            continue
        before = scan.ai_risk_score
        summary, score = summarize_states((row["severity"], row["status"]) for row in scan.results)
        scan.findings_summary = summary
        scan.findings_count = sum(summary.values())
        scan.ai_risk_score = score
        scan.risk_level = risk_level(score)
        scan.save(
            update_fields=[
                "results",
                "findings_summary",
                "findings_count",
                "ai_risk_score",
                "risk_level",
                "updated_at",
            ]
        )
        changes.append(ScanChange(scan.pk, scan.project_id, changed, before, score))
    return changes


@transaction.atomic
def finding_triage(
    *,
    finding: Finding,
    status: str,
    reason: str = "",
    expires_at: datetime | None = None,
    actor=None,
    request=None,
) -> TriageEffect:
    """A person's verdict on one finding; `open` takes a verdict back."""
    finding = Finding.objects.for_organization(finding.organization_id).select_for_update().get(pk=finding.pk)
    if status != FindingStatus.OPEN:
        _validate_expiry(status, expires_at, required=True)
    before = finding.status
    now = timezone.now()
    if status == FindingStatus.OPEN:
        clear_triage(finding)
    else:
        finding.status = status
        finding.triage_rule = None
        finding.triage_expires_at = expires_at
        finding.triage_reason = reason
        finding.triaged_by = actor if getattr(actor, "is_authenticated", False) else None
        finding.triaged_at = now
        finding.fixed_at = None
    changes = [FindingChange(finding, before, finding.status)]
    effect = TriageEffect(
        findings=changes, scans=_save_changes(finding.organization_id, changes), target=finding
    )
    audit_record(
        action="scans.finding_triaged",
        organization=finding.organization,
        actor=actor,
        target=finding,
        request=request,
        metadata={
            "status_before": before,
            "status": finding.status,
            "reason": reason[:500],
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return effect


def _candidates(organization_id, rule: TriageRule):
    queryset = Finding.objects.for_organization(organization_id).filter(
        scan_type=ScanType.CODE, status=FindingStatus.OPEN
    )
    if rule.project_id is not None:
        queryset = queryset.filter(project_id=rule.project_id)
    if rule.rule_id:
        queryset = queryset.filter(rule_id=rule.rule_id)
    return queryset.select_for_update().order_by("created_at", "pk")


def _apply(rule: TriageRule) -> list[FindingChange]:
    """Triage the open findings the rule matches."""
    now = timezone.now()
    changes = []
    for finding in _candidates(rule.organization_id, rule):
        if rule_matches(rule, finding, now):
            apply_rule(finding, rule, now)
            changes.append(FindingChange(finding, FindingStatus.OPEN, finding.status))
    return changes


def _release(rule: TriageRule, *, keep_matching: bool) -> list[FindingChange]:
    """Reopen the findings this rule triaged (or only those it no longer matches), unless another covers them."""
    now = timezone.now()
    others = [other for other in active_triage_rules(rule.organization_id, now) if other.pk != rule.pk]
    changes = []
    findings = (
        Finding.objects.for_organization(rule.organization_id)
        .select_for_update()
        .filter(triage_rule_id=rule.pk, status__in=SUPPRESSED)
        .order_by("created_at", "pk")
    )
    for finding in findings:
        if keep_matching and rule_matches(rule, finding, now):
            if finding.status != rule.resolution or finding.triage_expires_at != rule.expires_at:
                before = finding.status
                apply_rule(finding, rule, now)
                changes.append(FindingChange(finding, before, finding.status))
            continue
        before = finding.status
        other = first_matching_rule(others, finding, now)
        if other is not None:
            apply_rule(finding, other, now)
        else:
            clear_triage(finding)
        changes.append(FindingChange(finding, before, finding.status))
    return changes


def _validate_rule(rule: TriageRule) -> None:
    if not rule.rule_id and not rule.file_pattern:
        raise ValidationError(
            {"rule_id": ["Give an engine rule_id and/or a file_pattern: a rule may not cover every finding."]}
        )
    _validate_expiry(rule.resolution, rule.expires_at, required=True)
    if rule.project is not None and rule.project.organization_id != rule.organization_id:
        raise ValidationError({"project_id": ["No such project in this organization."]})
    rule.full_clean(exclude=["organization", "project", "created_by"])


def _rule_audit(action: str, rule: TriageRule, effect: TriageEffect, actor, request) -> None:
    audit_record(
        action=action,
        organization=rule.organization,
        actor=actor,
        target=rule,
        request=request,
        metadata={
            "resolution": rule.resolution,
            "rule_id": rule.rule_id,
            "file_pattern": rule.file_pattern,
            "project_id": str(rule.project_id) if rule.project_id else None,
            "expires_at": rule.expires_at.isoformat() if rule.expires_at else None,
            "findings_changed": len(effect.findings),
            "scans_changed": len(effect.scans),
        },
    )


RULE_FIELDS = ("name", "resolution", "reason", "rule_id", "file_pattern", "project", "expires_at")


@transaction.atomic
def triage_rule_create(*, organization, actor=None, request=None, **fields) -> TriageEffect:
    rule = TriageRule(
        organization=organization,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{name: value for name, value in fields.items() if name in RULE_FIELDS},
    )
    _validate_rule(rule)
    rule.save()
    changes = _apply(rule)
    effect = TriageEffect(findings=changes, scans=_save_changes(organization.pk, changes), target=rule)
    _rule_audit("scans.triage_rule_created", rule, effect, actor, request)
    return effect


@transaction.atomic
def triage_rule_update(*, rule: TriageRule, actor=None, request=None, **fields) -> TriageEffect:
    rule = TriageRule.objects.for_organization(rule.organization_id).select_for_update().get(pk=rule.pk)
    for name, value in fields.items():
        if name in RULE_FIELDS:
            setattr(rule, name, value)
    _validate_rule(rule)
    rule.save()
    changes = _release(rule, keep_matching=True)
    changed_ids = {change.finding.pk for change in changes}
    changes += [change for change in _apply(rule) if change.finding.pk not in changed_ids]
    effect = TriageEffect(findings=changes, scans=_save_changes(rule.organization_id, changes), target=rule)
    _rule_audit("scans.triage_rule_updated", rule, effect, actor, request)
    return effect


@transaction.atomic
def triage_rule_delete(*, rule: TriageRule, actor=None, request=None) -> TriageEffect:
    """Deleting a rule reopens what it triaged (or hands it to another rule that still covers it)."""
    changes = _release(rule, keep_matching=False)
    effect = TriageEffect(findings=changes, scans=_save_changes(rule.organization_id, changes), target=rule)
    _rule_audit("scans.triage_rule_deleted", rule, effect, actor, request)
    rule.delete()
    return effect


def effect_summary(effect: TriageEffect) -> dict:
    """What a triage write changes (or would change), as the API returns it."""
    return {
        "findings_changed": len(effect.findings),
        "findings": [
            {
                "finding_id": change.finding.pk,
                "rule_id": change.finding.rule_id,
                "finding_type": change.finding.finding_type,
                "severity": change.finding.severity,
                "file_path": change.finding.file_path,
                "project_id": change.finding.project_id,
                "status_before": change.status_before,
                "status_after": change.status_after,
            }
            for change in effect.findings[:PREVIEW_SAMPLE]
        ],
        "scans_changed": len(effect.scans),
        "scans": [
            {
                "scan_id": change.scan_id,
                "project_id": change.project_id,
                "findings_changed": change.findings_changed,
                "ai_risk_score_before": change.ai_risk_score_before,
                "ai_risk_score_after": change.ai_risk_score_after,
            }
            for change in effect.scans
        ],
    }
