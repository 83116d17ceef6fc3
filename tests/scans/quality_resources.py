"""Creators of scans resources for the quality gates (cross-tenant probe, schema fuzzer, budgets)."""

from django.utils import timezone

from scans.models import Alert, Project, Scan, ScanSource, ScanStatus, ScanType
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
