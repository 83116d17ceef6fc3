"""Demo data of the response app for the demo organization (seed_demo calls load() after the
incidents demo has run detection): the riskiest incident's generated playbook waiting for
approval, a notification playbook that ran, and two triggers. Idempotent: each piece is looked up
by its name (or its threat) first, and everything goes through the response services."""

from __future__ import annotations

from incidents.response.models import Trigger, Workflow, WorkflowOrigin, WorkflowStatus
from incidents.response.services.triggers import trigger_create
from incidents.response.services.workflows import playbook_generate, workflow_create, workflow_execute
from incidents.threats.models import Incident, Threat

NOTIFY_PLAYBOOK = "Demo: alert the admins and open a ticket for {incident}"
TRIGGERS = [
    {
        "name": "Critical incidents: alert the admins",
        "description": "Every incident that reaches critical severity emails the organization's admins.",
        "condition": {"field": "severity", "op": "gte", "value": "critical"},
        "steps": [
            {
                "action": "alert_admin",
                "params": {
                    "subject": "{{incident.human_id}} is critical",
                    "message": "{{incident.title}} (source {{incident.source_ip}}).",
                },
            }
        ],
        "auto_execute": True,
        "priority": 10,
    },
    {
        "name": "Brute force from outside: block the source",
        "description": "Blocks the source of a high-severity brute force for an hour (needs approval).",
        "condition": {
            "all": [
                {"field": "threat_type", "op": "eq", "value": "brute_force_attack"},
                {"field": "severity", "op": "gte", "value": "high"},
                {"not": {"field": "source_ip", "op": "cidr", "value": "10.0.0.0/8"}},
            ]
        },
        "steps": [
            {"action": "block_ip", "params": {"ip": "{{incident.source_ip}}", "duration_seconds": 3600}},
            {"action": "create_ticket", "params": {"title": "Review the block of {{incident.source_ip}}"}},
        ],
        "auto_execute": False,
        "priority": 50,
    },
]


def load(*, organization, admin) -> None:
    for spec in TRIGGERS:
        if not Trigger.objects.for_organization(organization).filter(name=spec["name"]).exists():
            trigger_create(organization=organization, actor=admin, **spec)
    incident = (
        Incident.objects.for_organization(organization)
        .exclude(source_ip__isnull=True)
        .order_by("-risk_score", "human_id")
        .first()
    )
    if incident is None:
        return
    _pending_playbook(organization=organization, incident=incident)
    _executed_playbook(organization=organization, incident=incident, admin=admin)


def _pending_playbook(*, organization, incident: Incident) -> None:
    """The incident's threats get their generated playbooks; one at least waits for approval."""
    threats = (
        Threat.objects.for_organization(organization)
        .filter(incident=incident)
        .select_related("organization", "incident")
    )
    for threat in threats:
        playbook_generate(threat=threat)
    pending = Workflow.objects.for_organization(organization).filter(
        incident=incident, status=WorkflowStatus.PENDING_APPROVAL
    )
    if pending.exists() or not incident.source_ip:
        return
    workflow_create(
        organization=organization,
        name=f"Contain {incident.human_id}: block {incident.source_ip}",
        description="Block the attacking address for a day, then open a ticket to review it.",
        steps=[
            {"action": "block_ip", "params": {"ip": incident.source_ip, "duration_seconds": 86400}},
            {"action": "create_ticket", "params": {"title": f"Review the block of {incident.source_ip}"}},
        ],
        origin=WorkflowOrigin.GENERATED,
        incident=incident,
    )


def _executed_playbook(*, organization, incident: Incident, admin) -> None:
    """Platform actions only (no agent needed), so it runs to the end."""
    name = NOTIFY_PLAYBOOK.format(incident=incident.human_id)
    if Workflow.objects.for_organization(organization).filter(name=name).exists():
        return
    workflow = workflow_create(
        organization=organization,
        name=name,
        description="Tell the admins and track the follow-up while the containment waits for approval.",
        steps=[
            {
                "action": "alert_admin",
                "params": {"subject": f"{incident.human_id}: {incident.title}", "message": "Demo alert."},
            },
            {
                "action": "create_ticket",
                "params": {"title": f"Follow up {incident.human_id}", "priority": "high"},
            },
        ],
        origin=WorkflowOrigin.MANUAL,
        incident=incident,
        actor=admin,
    )
    workflow_execute(workflow=workflow, actor=admin)
