"""Alerts: raised by critical and high findings, read and resolved by people."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

import realtime
from scans.models import Alert, Finding, Scan

ALERTING_SEVERITIES = ("critical", "high")


def alert_raise(
    *,
    scan: Scan,
    alert_type: str,
    severity: str,
    title: str,
    description: str,
    finding: Finding | None = None,
) -> Alert:
    alert = Alert.objects.create(
        organization_id=scan.organization_id,
        project_id=scan.project_id,
        scan=scan,
        finding=finding,
        alert_type=alert_type,
        severity=severity,
        title=title[:200],
        description=description,
        triggered_at=timezone.now(),
    )
    realtime.publish(
        scan.organization,
        "alert_triggered",
        {
            "alert_id": alert.pk,
            "rule_name": alert_type,
            "severity": severity,
            "timestamp": alert.triggered_at,
            "source": "scans",
            "alert_type": alert_type,
            "title": alert.title,
            "project_id": scan.project_id,
            "scan_id": scan.pk,
            "finding_id": finding.pk if finding else None,
        },
        rooms=["alerts"],
    )
    return alert


@transaction.atomic
def alert_update(*, alert: Alert, **fields) -> Alert:
    for name in ("is_read", "is_resolved"):
        if name in fields:
            setattr(alert, name, fields[name])
    if alert.is_resolved:
        # A resolved alert has been seen.
        alert.is_read = True
    alert.save(update_fields=["is_read", "is_resolved", "updated_at"])
    return alert
