"""Reads of the response app: workflows, executions, containment, incident sections, impact."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from incidents.response.models import (
    ActionExecution,
    Containment,
    ContainmentKind,
    ContainmentStatus,
    ExecutionStatus,
    Workflow,
    WorkflowStatus,
)


def workflows_of(*, organization) -> QuerySet[Workflow]:
    return (
        Workflow.objects.for_organization(organization)
        .select_related("threat", "incident", "approved_by")
        .annotate(step_count=Count("steps"))
    )


def workflow_detail(*, organization) -> QuerySet[Workflow]:
    return (
        Workflow.objects.for_organization(organization)
        .select_related("threat", "incident", "approved_by")
        .prefetch_related("steps")
    )


def workflow_actions(*, workflow: Workflow) -> QuerySet[ActionExecution]:
    return (
        ActionExecution.objects.for_organization(workflow.organization_id)
        .filter(step__workflow=workflow)
        .select_related("agent", "step")
        .order_by("created_at")
    )


def incident_actions_section(incident) -> list[dict[str, Any]]:
    rows = (
        ActionExecution.objects.for_organization(incident.organization_id)
        .filter(incident=incident)
        .order_by("-created_at")[:20]
    )
    return [
        {
            "id": str(row.pk),
            "action": row.action,
            "status": row.status,
            "params": row.params,
            "error": row.error,
            "created_at": row.created_at.isoformat(),
        }
        for row in rows
    ]


def incident_containment_section(incident) -> dict[str, Any]:
    rows = Containment.objects.for_organization(incident.organization_id).filter(
        incident=incident,
        status__in=[ContainmentStatus.PENDING, ContainmentStatus.ACTIVE, ContainmentStatus.RELEASING],
    )
    return {
        "blocked_ips": sorted(
            {r.target for r in rows if r.kind == ContainmentKind.IP_BLOCK and r.status == "active"}
        ),
        "isolated_hosts": sorted(
            {r.target for r in rows if r.kind == ContainmentKind.HOST_ISOLATION and r.status == "active"}
        ),
        "pending": sorted({f"{r.kind}:{r.target}" for r in rows if r.status != "active"}),
    }


def response_impact(*, organization, days: int = 30) -> dict[str, Any]:
    """Aggregates over the window: actions by status and category, workflows by status, containment."""
    since = timezone.now() - timedelta(days=days)
    executions = ActionExecution.objects.for_organization(organization).filter(
        created_at__gte=since, dry_run=False
    )
    by_status = dict(executions.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_category = dict(
        executions.values_list("category").annotate(n=Count("id")).values_list("category", "n")
    )
    finished = (
        by_status.get(ExecutionStatus.SUCCEEDED, 0)
        + by_status.get(ExecutionStatus.FAILED, 0)
        + by_status.get(ExecutionStatus.EXPIRED, 0)
    )
    duration = executions.filter(completed_at__isnull=False).aggregate(
        avg=Avg(F("completed_at") - F("created_at"))
    )
    workflows = Workflow.objects.for_organization(organization).filter(created_at__gte=since)
    wf_status = dict(workflows.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    containment = Containment.objects.for_organization(organization).aggregate(
        active_blocks=Count("id", filter=Q(kind=ContainmentKind.IP_BLOCK, status=ContainmentStatus.ACTIVE)),
        isolated_hosts=Count(
            "id", filter=Q(kind=ContainmentKind.HOST_ISOLATION, status=ContainmentStatus.ACTIVE)
        ),
        released=Count("id", filter=Q(status=ContainmentStatus.RELEASED, created_at__gte=since)),
    )
    avg = duration["avg"]
    return {
        "window_days": days,
        "actions_total": sum(by_status.values()),
        "actions_by_status": {status: by_status.get(status, 0) for status in ExecutionStatus.values},
        "actions_by_category": by_category,
        "action_success_rate": round(by_status.get(ExecutionStatus.SUCCEEDED, 0) / finished, 4)
        if finished
        else None,
        "avg_action_duration_ms": int(avg.total_seconds() * 1000) if avg is not None else None,
        "workflows_total": sum(wf_status.values()),
        "workflows_by_status": {status: wf_status.get(status, 0) for status in WorkflowStatus.values},
        **containment,
    }
