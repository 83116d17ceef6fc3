"""Reads for the SOC response and analytics pages that the domain apps do not answer in the shape
a page needs: organization-scoped querysets through each model's tenant manager, joined up front,
and thin compositions of the domain selectors (attack paths, analytics, honeypot statistics)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from incidents.analytics.selectors import RESPONSE, dashboard, metric_series, statistics_of
from incidents.ml.reports import ml_status
from incidents.response.models import ActionExecution, Containment, Trigger, Workflow, WorkflowStatus
from incidents.response.selectors import workflow_detail, workflows_of
from incidents.simulation.models import AttackSimulation
from incidents.telemetry.selectors import honeypot_attacker_stats
from incidents.threats.models import Incident, Threat, ThreatStatus
from incidents.workspace.selectors import attack_paths
from organizations.models import Organization

# Pending approvals first, then what is running, then the rest (newest first within each).
_INBOX_ORDER = Case(
    When(status=WorkflowStatus.PENDING_APPROVAL, then=Value(0)),
    When(status__in=[WorkflowStatus.READY, WorkflowStatus.EXECUTING], then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
RESPONSE_SAMPLE = 10_000


def playbook_inbox(*, organization: Organization, status: str = "") -> QuerySet[Workflow]:
    workflows = workflows_of(organization=organization)
    if status:
        workflows = workflows.filter(status=status)
    return workflows.annotate(inbox_rank=_INBOX_ORDER).order_by("inbox_rank", "-created_at")


def pending_approval_count(*, organization: Organization) -> int:
    return (
        Workflow.objects.for_organization(organization).filter(status=WorkflowStatus.PENDING_APPROVAL).count()
    )


def playbook_by_human_id(*, organization: Organization, human_id: str) -> Workflow | None:
    return workflow_detail(organization=organization).filter(human_id=human_id).first()


def playbook_executions(*, workflow: Workflow) -> dict[Any, list[ActionExecution]]:
    """Each step's action runs (the agent commands among them), oldest first, keyed by step id."""
    runs: dict[Any, list[ActionExecution]] = {}
    for execution in (
        ActionExecution.objects.for_organization(workflow.organization_id)
        .filter(step__workflow=workflow)
        .select_related("agent")
        .order_by("created_at")
    ):
        runs.setdefault(execution.step_id, []).append(execution)
    return runs


def incident_playbooks(*, incident: Incident) -> list[Workflow]:
    """Playbooks of the incident or of one of its threats, with their steps."""
    return list(
        workflow_detail(organization=incident.organization_id)
        .filter(Q(incident=incident) | Q(threat__incident=incident))
        .annotate(inbox_rank=_INBOX_ORDER)
        .order_by("inbox_rank", "-created_at")
    )


def threat_playbooks(*, organization: Organization, threat_human_id: str) -> list[Workflow] | None:
    """The playbooks of one threat (None when the organization has no such threat)."""
    threat = Threat.objects.for_organization(organization).filter(human_id=threat_human_id).first()
    if threat is None:
        return None
    return list(workflow_detail(organization=organization).filter(threat=threat).order_by("-created_at"))


def incident_executions(*, incident: Incident, limit: int = 50) -> list[ActionExecution]:
    """Actions run for the incident (agent commands with their agent), newest first."""
    return list(
        ActionExecution.objects.for_organization(incident.organization_id)
        .filter(incident=incident)
        .select_related("agent", "step", "step__workflow")
        .order_by("-created_at")[:limit]
    )


def incident_containments(*, incident: Incident) -> list[Containment]:
    return list(
        Containment.objects.for_organization(incident.organization_id)
        .filter(incident=incident)
        .order_by("-created_at")[:50]
    )


def incident_attack_paths(*, incident: Incident) -> list[dict[str, Any]]:
    """The attack paths (source -> tactics/techniques -> target) the incident's threats are part of."""
    since = incident.first_seen_at - timedelta(days=1)
    return [
        path
        for path in attack_paths(incident.organization_id, since=since, limit=500)
        if incident.human_id in path["incident_ids"]
    ]


def triggers_of(*, organization: Organization) -> QuerySet[Trigger]:
    return Trigger.objects.for_organization(organization).order_by("priority", "name")


def trigger_by_id(*, organization: Organization, trigger_id) -> Trigger | None:
    return Trigger.objects.for_organization(organization).filter(pk=trigger_id).first()


def simulations_of(*, organization: Organization) -> QuerySet[AttackSimulation]:
    return AttackSimulation.objects.for_organization(organization).order_by("-created_at")


def simulation_by_human_id(*, organization: Organization, human_id: str) -> AttackSimulation | None:
    return simulations_of(organization=organization).filter(human_id=human_id).first()


def models_status(*, organization: Organization) -> dict[str, Any]:
    return ml_status(organization=organization)


def response_time_statistics(*, organization: Organization, since: datetime) -> dict[str, Any]:
    """Min, max, mean and p50/p95/p99 of detection-to-mitigation time (seconds) over the threats
    mitigated since a moment (the newest RESPONSE_SAMPLE of them)."""
    seconds = [
        value.total_seconds()
        for value in Threat.objects.for_organization(organization)
        .filter(status=ThreatStatus.MITIGATED, mitigated_at__isnull=False, detected_at__gte=since)
        .annotate(response=RESPONSE)
        .order_by("-detected_at")
        .values_list("response", flat=True)[:RESPONSE_SAMPLE]
        if value is not None
    ]
    return {"count": len(seconds), "unit": "seconds", **statistics_of(seconds)}


def soc_analytics(*, organization: Organization, days: int, now: datetime | None = None) -> dict[str, Any]:
    """The analytics page's data: threats per day, response-time percentiles, top threat types."""
    now = now or timezone.now()
    start = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    series = metric_series(organization, metric="threats_detected", start=start, end=now, interval="day")
    summary = dashboard(organization, now=now)
    return {
        "window_days": days,
        "threats_over_time": {
            "unit": series["unit"],
            "points": [
                {"date": point["timestamp"].date().isoformat(), "value": int(point["value"])}
                for point in series["data_points"]
            ],
        },
        "response_time": response_time_statistics(organization=organization, since=start),
        "top_threat_types": {"window_days": 7, "rows": summary["top_threats"]},
        "today": summary["today"],
        "this_week": summary["this_week"],
    }


def honeypot_stats(*, organization: Organization, days: int) -> dict[str, Any]:
    return honeypot_attacker_stats(organization, since=timezone.now() - timedelta(days=days), limit=10)
