"""Creators of productivity resources for the quality gates (tests/quality/resources.py).

Imported by tests/metrics/quality_resources.py (the gates discover one module per top-level
test package) and by test_quality_resources.py here.
"""

import itertools
from datetime import UTC, datetime

from metrics.productivity.models import (
    AlertRule,
    Dashboard,
    ProductivityAlert,
    ProductivityMetric,
    ReportExport,
)
from tests.quality.resources import VIEWER_ALLOWED, Tenant, resource

_serial = itertools.count(1)


@resource("/api/v1/dashboards/{id}")
def dashboard(tenant: Tenant) -> dict:
    # Organization-wide, so a viewer sees it (and is refused changing it) and the admin may change it.
    created = Dashboard.objects.create(
        organization=tenant.organization,
        owner=tenant.admin.user,
        name=f"Probe {next(_serial)}",
        scope="organization",
    )
    return {"id": created.pk}


@resource("/api/v1/metrics/alert-rules/{id}")
def alert_rule(tenant: Tenant) -> dict:
    rule = AlertRule.objects.create(
        organization=tenant.organization,
        name=f"Probe rule {next(_serial)}",
        metric_type="commits",
        condition="threshold",
        threshold=10,
    )
    return {"id": rule.pk}


@resource("/api/v1/metrics/alerts/{id}")
def fired_alert(tenant: Tenant) -> dict:
    rule = AlertRule.objects.create(
        organization=tenant.organization,
        name=f"Probe rule {next(_serial)}",
        metric_type="commits",
        condition="threshold",
        threshold=1,
    )
    moment = datetime(2026, 11, 2, 10, tzinfo=UTC)
    alert = ProductivityAlert.objects.create(
        organization=tenant.organization,
        rule=rule,
        rule_name=rule.name,
        severity="high",
        metric_type="commits",
        metric_value=5,
        threshold=1,
        window_start=moment,
        window_end=moment,
    )
    return {"id": alert.pk}


@resource("/api/v1/reports/{id}")
def report(tenant: Tenant) -> dict:
    created = ReportExport.objects.create(
        organization=tenant.organization,
        requested_by=tenant.admin.user,
        format="csv",
        report_type="productivity",
    )
    return {"id": created.pk}


@resource("/api/v1/mcp/config/{organization_id}")
def mcp_config(tenant: Tenant) -> dict:
    return {"organization_id": tenant.organization.pk}


@resource("/api/v1/metrics/productivity/{id}")
def productivity_metric(tenant: Tenant) -> dict:
    """Populates GET metrics/productivity for the query budget (there is no per-row endpoint)."""
    row = ProductivityMetric.objects.create(
        organization=tenant.organization,
        metric_type="commits",
        value=1,
        timestamp=datetime(2026, 11, 2, tzinfo=UTC),
    )
    return {"id": row.pk}


VIEWER_ALLOWED.update(
    {
        "POST /api/v1/reports/export": "exports data the viewer may already read; changes nothing of the organization's",
    }
)
