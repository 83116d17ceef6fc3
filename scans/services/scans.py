"""Scans: started by a request (quota counted, input encrypted, job enqueued), run by a Celery job.

Status: queued -> running -> completed | failed (with a reason). The job is safe to run twice:
a scan that is already completed or failed is left alone, and the input is erased when it ends.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone

import realtime
from billing import services as billing
from billing.models import UsageResource
from config.tasks import enqueue
from scans import crypto, sources
from scans.engines.code import scan_directory
from scans.engines.pii import analyze, classify, redact_text, risk_score
from scans.engines.prompt import AllowEntry, scan_prompt
from scans.models import FindingStatus, Project, RiskLevel, Scan, ScanSource, ScanStatus, ScanType
from scans.services.alerts import ALERTING_SEVERITIES, alert_raise
from scans.services.allow_list import prompt_allow_list_snapshot
from scans.services.findings import finding_result, findings_reconcile, summarize
from scans.services.projects import project_access_token

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


def risk_level(score: int) -> str:
    if score >= 75:
        return RiskLevel.CRITICAL
    if score >= 50:
        return RiskLevel.HIGH
    if score >= 25:
        return RiskLevel.MEDIUM
    if score > 0:
        return RiskLevel.LOW
    return RiskLevel.NONE


def _start(
    *,
    organization,
    project: Project | None,
    scan_type: str,
    source: str,
    scope_key: str,
    payload: bytes | None,
    options: dict,
) -> Scan:
    from scans.tasks import scan_run_task

    # Counted first: over the plan's monthly quota this raises SCAN_LIMIT_EXCEEDED and nothing is created.
    billing.quota_consume(organization, UsageResource.SCANS)
    scan = Scan.objects.create(
        organization=organization,
        project=project,
        scan_type=scan_type,
        source=source,
        options=options,
        scope_key=scope_key[:300],
        input_sha256=hashlib.sha256(payload).hexdigest() if payload else "",
        payload_encrypted=crypto.encrypt(payload) if payload is not None else None,
    )
    if project is not None:
        Project.objects.for_organization(organization).filter(pk=project.pk).update(
            scan_count=F("scan_count") + 1
        )
    enqueue(scan_run_task, scan_id=str(scan.pk), organization_id=str(organization.pk))
    return scan


def _project_scope(project: Project | None) -> str:
    return f"project:{project.pk}" if project is not None else "organization"


@transaction.atomic
def scan_start_code(
    *,
    organization,
    project: Project | None,
    code: str | None = None,
    filename: str = "",
    language: str = "",
    archive: bytes | None = None,
    archive_name: str = "",
) -> Scan:
    """Exactly one of `code`, `archive`, or neither (the project's repository)."""
    if code is not None:
        name = sources.snippet_filename(filename, language)
        return _start(
            organization=organization,
            project=project,
            scan_type=ScanType.CODE,
            source=ScanSource.SNIPPET,
            scope_key=f"{_project_scope(project)}:code:snippet:{name}",
            payload=code.encode("utf-8"),
            options={"filename": name, "language": language},
        )
    if archive is not None:
        return _start(
            organization=organization,
            project=project,
            scan_type=ScanType.CODE,
            source=ScanSource.ARCHIVE,
            scope_key=f"{_project_scope(project)}:code:archive",
            payload=archive,
            options={"archive_name": archive_name[:200], "language": language},
        )
    assert project is not None  # the serializer requires a project with a repository here
    return _start(
        organization=organization,
        project=project,
        scan_type=ScanType.CODE,
        source=ScanSource.REPOSITORY,
        scope_key=f"{_project_scope(project)}:code:repository:{project.repo_url}",
        payload=None,
        options={"repo_url": project.repo_url},
    )


@transaction.atomic
def scan_start_prompt(
    *,
    organization,
    project: Project | None,
    prompt: str,
    model: str = "",
    allow_list: list[str] | None = None,
) -> Scan:
    return _start(
        organization=organization,
        project=project,
        scan_type=ScanType.PROMPT,
        source=ScanSource.TEXT,
        scope_key=f"{_project_scope(project)}:prompt",
        payload=json.dumps(
            {
                "prompt": prompt,
                "allow_list": allow_list or [],
                "organization_allow_list": prompt_allow_list_snapshot(organization),
            }
        ).encode(),
        options={"model": model},
    )


@transaction.atomic
def scan_start_pii(
    *, organization, project: Project | None, content: str, content_type: str = "", redact: bool = False
) -> Scan:
    return _start(
        organization=organization,
        project=project,
        scan_type=ScanType.PII,
        source=ScanSource.TEXT,
        scope_key=f"{_project_scope(project)}:pii:{content_type}",
        payload=content.encode("utf-8"),
        options={"content_type": content_type, "redact": redact},
    )


def _claim(scan_id: str, organization_id: str) -> Scan | None:
    with transaction.atomic():
        scan = (
            Scan.objects.for_organization(organization_id)
            .select_for_update(of=("self",))
            .select_related("project", "organization")
            .filter(pk=scan_id)
            .first()
        )
        if scan is None or scan.status in (ScanStatus.COMPLETED, ScanStatus.FAILED):
            return None
        scan.status = ScanStatus.RUNNING
        scan.started_at = timezone.now()
        scan.attempts += 1
        scan.save(update_fields=["status", "started_at", "attempts", "updated_at"])
        return scan


def scan_run(*, scan_id: str, organization_id: str) -> None:
    """The job: run the engines, reconcile findings, raise alerts, publish scan_completed."""
    scan = _claim(scan_id, organization_id)
    if scan is None:
        return
    if scan.attempts > MAX_ATTEMPTS:
        _fail(scan, f"Gave up after {MAX_ATTEMPTS} attempts.")
        return
    started = time.perf_counter()
    payload = crypto.decrypt(scan.payload_encrypted) if scan.payload_encrypted is not None else None
    try:
        if scan.scan_type == ScanType.CODE:
            outcome = _run_code(scan, payload)
        elif scan.scan_type == ScanType.PROMPT:
            outcome = _run_prompt(scan, payload or b"{}")
        else:
            outcome = _run_pii(scan, payload or b"")
    except sources.SourceError as exc:
        _fail(scan, str(exc))
        return
    except Exception:
        logger.exception("Scan %s failed in its engine (attempt %s).", scan.pk, scan.attempts)
        if scan.attempts >= MAX_ATTEMPTS:
            _fail(scan, "The scan engine failed; the error was logged.")
            return
        raise
    _complete(scan, outcome, time.perf_counter() - started)


def _fail(scan: Scan, reason: str) -> None:
    with transaction.atomic():
        scan.status = ScanStatus.FAILED
        scan.failure_reason = reason[:2000]
        scan.completed_at = timezone.now()
        scan.payload_encrypted = None
        scan.save(
            update_fields=["status", "failure_reason", "completed_at", "payload_encrypted", "updated_at"]
        )
        _publish_completed(scan)


def _run_code(scan: Scan, payload: bytes | None) -> dict:
    workspace = Path(tempfile.mkdtemp(prefix="palisade-scan-"))
    try:
        target = workspace / "src"
        target.mkdir()
        skipped: list[str] = []
        if scan.source == ScanSource.SNIPPET:
            sources.write_snippet(
                target,
                code=(payload or b"").decode("utf-8"),
                filename=scan.options.get("filename", ""),
                language=scan.options.get("language", ""),
            )
        elif scan.source == ScanSource.ARCHIVE:
            skipped = sources.extract_archive(payload or b"", target)
        else:
            if scan.project is None or not scan.project.repo_url:
                raise sources.SourceError("The project has no repository URL.")
            target.rmdir()
            sources.clone_repository(scan.project.repo_url, target, token=project_access_token(scan.project))
        from django.conf import settings

        result = scan_directory(
            target, max_file_bytes=settings.SCANS_MAX_FILE_BYTES, language=scan.options.get("language", "")
        )
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    return {
        "engine_findings": result.findings,
        "complete": True,
        "details": {
            "files_scanned": result.files_scanned,
            "bytes_scanned": result.bytes_scanned,
            "files_skipped": (skipped + result.files_skipped)[:100],
        },
    }


def _run_prompt(scan: Scan, payload: bytes) -> dict:
    data = json.loads(payload)
    entries = [
        AllowEntry(value=item["value"], match_type=item["match_type"], entry_id=item["entry_id"])
        for item in data.get("organization_allow_list") or []
    ] + [AllowEntry(value=value) for value in data.get("allow_list") or []]
    result = scan_prompt(data.get("prompt", ""), allow_list=entries)
    return {
        "score": result.overall,
        "results": [],
        "details": {
            **result.scores,
            "signals": result.signals,
            "suggested_prompt": result.suggested_prompt,
            "classifier_probability": result.classifier_probability,
            "segments_scored": result.segments_scored,
            "allow_list_matches": result.allow_list_matches,
            "model": scan.options.get("model", ""),
        },
    }


def _run_pii(scan: Scan, payload: bytes) -> dict:
    content = payload.decode("utf-8")
    matches = analyze(content)
    by_type: dict[str, list] = {}
    for match in matches:
        by_type.setdefault(match.pii_type, []).append(match)
    findings = []
    for pii_type, group in sorted(by_type.items()):
        findings.append(
            {
                "pii_type": pii_type,
                "count": len(group),
                **classify(pii_type),
                "occurrences": [
                    {
                        "start": match.start,
                        "end": match.end,
                        "value_hash": crypto.value_hash(scan.organization_id, match.value),
                        "preview": _pii_preview(match.value),
                        "score": match.score,
                    }
                    for match in group[:200]
                ],
            }
        )
    counts = {pii_type: len(group) for pii_type, group in by_type.items()}
    details: dict = {"pii_counts": counts, "characters_scanned": len(content)}
    if scan.options.get("redact"):
        details["redacted_content"] = redact_text(content, matches)
    return {"score": risk_score(counts), "results": findings, "details": details}


def _pii_preview(value: str) -> str:
    if len(value) <= 4:
        return "*" * len(value)
    return f"{value[0]}{'*' * (len(value) - 2)}{value[-1]}"


def _complete(scan: Scan, outcome: dict, elapsed: float) -> None:
    now = timezone.now()
    with transaction.atomic():
        locked = Scan.objects.for_organization(scan.organization_id).select_for_update().get(pk=scan.pk)
        if locked.status != ScanStatus.RUNNING:
            return
        new_findings = []
        exposed: list = []
        if "engine_findings" in outcome:
            reconciled = findings_reconcile(
                scan=scan, engine_findings=outcome["engine_findings"], complete=outcome["complete"]
            )
            summary, score = summarize(reconciled.findings)
            scan.results = [finding_result(finding) for finding in reconciled.findings]
            scan.findings_count = sum(summary.values())
            new_findings = [finding for finding in reconciled.new if finding.severity in ALERTING_SEVERITIES]
            outcome["details"]["fixed"] = len(reconciled.fixed)
            outcome["details"]["new"] = len(reconciled.new)
            outcome["details"]["suppressed"] = len(reconciled.suppressed)
            exposed = [finding for finding in reconciled.new if _is_new_secret(finding, scan)]
        else:
            score = outcome["score"]
            scan.results = outcome["results"]
            scan.details = outcome["details"]
            summary = _summary_from_score(scan, score)
            scan.findings_count = (
                sum(item.get("count", 1) for item in outcome["results"])
                if scan.scan_type == ScanType.PII
                else sum(summary.values())
            )
        scan.ai_risk_score = score
        scan.risk_level = risk_level(score)
        scan.findings_summary = summary
        scan.details = outcome["details"]
        scan.status = ScanStatus.COMPLETED
        scan.completed_at = now
        scan.execution_time_seconds = round(elapsed, 4)
        scan.payload_encrypted = None
        scan.save()
        if scan.project_id is not None:
            Project.objects.for_organization(scan.organization_id).filter(pk=scan.project_id).update(
                last_scan=now, last_risk_score=score
            )
        for finding in new_findings:
            alert_raise(
                scan=scan,
                finding=finding,
                alert_type="critical_finding" if finding.severity == "critical" else "high_finding",
                severity=finding.severity,
                title=finding.description.rstrip(".")[:200],
                description=f"{finding.description} {finding.file_path}:{finding.line_number or '-'}. {finding.remediation}",
            )
        _raise_text_alert(scan, score)
        for finding in exposed:
            _publish_secret_exposed(scan, finding)
        _publish_completed(scan)


def _is_new_secret(finding, scan: Scan) -> bool:
    """A secret whose fingerprint this scan saw first (never a rescan's known one, never a triaged one)."""
    return (
        bool(finding.value_hash)
        and finding.scan_type == ScanType.CODE
        and finding.status == FindingStatus.OPEN
        and finding.first_seen_scan_id == scan.pk
    )


def _publish_secret_exposed(scan: Scan, finding) -> None:
    # Never the secret: its redacted preview and a keyed fingerprint only.
    realtime.publish(
        scan.organization,
        "secret_exposed",
        {
            "finding_id": finding.pk,
            "scan_id": scan.pk,
            "project_id": scan.project_id,
            "project_name": scan.project.name if scan.project is not None else "",
            "rule_id": finding.rule_id,
            "finding_type": finding.finding_type,
            "severity": finding.severity,
            "file_path": finding.file_path,
            "line_number": finding.line_number,
            "redacted_preview": finding.redacted_preview,
            "fingerprint": finding.fingerprint,
        },
    )


def _summary_from_score(scan: Scan, score: int) -> dict[str, int]:
    summary = {"critical": 0, "high": 0, "medium": 0, "low": 0}
    if scan.scan_type == ScanType.PII:
        for item in scan.results:
            level = item["gdpr_risk"] if item["gdpr_risk"] in summary else "low"
            summary[level] += item["count"]
    else:
        for category in (
            "jailbreak_risk",
            "injection_risk",
            "data_exfiltration_risk",
            "system_prompt_exposure",
        ):
            value = scan.details.get(category, 0) if scan.details else 0
            level = risk_level(value)
            if level in summary:
                summary[level] += 1
    return summary


def _raise_text_alert(scan: Scan, score: int) -> None:
    level = risk_level(score)
    if scan.scan_type == ScanType.CODE or level not in ALERTING_SEVERITIES:
        return
    if scan.scan_type == ScanType.PROMPT:
        worst = max(
            ("jailbreak_risk", "injection_risk", "data_exfiltration_risk", "system_prompt_exposure"),
            key=lambda name: scan.details.get(name, 0),
        )
        alert_raise(
            scan=scan,
            alert_type="prompt_injection",
            severity=level,
            title=f"Prompt attack detected ({worst.replace('_', ' ')} {scan.details.get(worst, 0)})",
            description="A scanned prompt matches known jailbreak, injection, exfiltration or prompt-leak techniques; use the suggested prompt.",
        )
    else:
        types = ", ".join(sorted(item["pii_type"] for item in scan.results))
        alert_raise(
            scan=scan,
            alert_type="pii_exposure",
            severity=level,
            title="Sensitive personal data detected",
            description=f"The scanned content holds {types}; remove or redact it before it is stored or sent to a model.",
        )


def _publish_completed(scan: Scan) -> None:
    realtime.publish(
        scan.organization,
        "scan_completed",
        {
            "scan_id": scan.pk,
            "scan_type": scan.scan_type,
            "status": scan.status,
            "project_id": scan.project_id,
            "ai_risk_score": scan.ai_risk_score,
            "risk_level": scan.risk_level or None,
            "findings_count": scan.findings_count,
            "completed_at": scan.completed_at,
        },
    )
