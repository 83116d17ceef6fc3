"""Creators of scans resources for the quality gates (cross-tenant probe, schema fuzzer, budgets)."""

import uuid

from django.utils import timezone

from scans.models import (
    Alert,
    Finding,
    Project,
    PromptAllowEntry,
    Scan,
    ScanSource,
    ScanStatus,
    ScanType,
    TriageRule,
)
from tests.quality.resources import Tenant, resource


@resource("/api/v1/projects/{project_id}")
def project(tenant: Tenant) -> dict:
    created = Project.objects.create(organization=tenant.organization, name="Quality probe project")
    return {"project_id": created.pk}


@resource("/api/v1/scans/{scan_id}")
def scan(tenant: Tenant) -> dict:
    created = Scan.objects.create(
        organization=tenant.organization,
        scan_type=ScanType.PROMPT,
        source=ScanSource.TEXT,
        status=ScanStatus.COMPLETED,
        ai_risk_score=0,
        risk_level="none",
        completed_at=timezone.now(),
    )
    return {"scan_id": created.pk}


@resource("/api/v1/alerts/{alert_id}")
def alert(tenant: Tenant) -> dict:
    created = Alert.objects.create(
        organization=tenant.organization,
        alert_type="critical_finding",
        severity="critical",
        title="Quality probe alert",
        triggered_at=timezone.now(),
    )
    return {"alert_id": created.pk}


@resource("/api/v1/findings/{finding_id}")
def finding(tenant: Tenant) -> dict:
    created = Finding.objects.create(
        organization=tenant.organization,
        scope_key="organization:code:snippet:app.py",
        fingerprint=uuid.uuid4().hex,
        scan_type=ScanType.CODE,
        rule_id="bandit-B301",
        finding_type="unsafe_deserialization",
        severity="high",
        file_path="app.py",
        line_number=3,
        description="pickle.loads of untrusted data.",
    )
    return {"finding_id": created.pk}


@resource("/api/v1/triage-rules/{triage_rule_id}")
def triage_rule(tenant: Tenant) -> dict:
    created = TriageRule.objects.create(
        organization=tenant.organization, name="Quality probe exception", file_pattern="tests/*"
    )
    return {"triage_rule_id": created.pk}


@resource("/api/v1/prompt-allow-list/{entry_id}")
def prompt_allow_entry(tenant: Tenant) -> dict:
    created = PromptAllowEntry.objects.create(
        organization=tenant.organization, value=f"Ignore previous ticket {uuid.uuid4().hex[:8]}"
    )
    return {"entry_id": created.pk}
