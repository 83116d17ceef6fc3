"""The orchestrator (seed B agents/orchestrate, orchestrator/*): a natural-language goal -> a workflow.

The goal goes through the ai layer: with the organization member's validated remote provider it
is first rewritten into short action clauses (checked like any input); with the offline `local`
provider (tests, machines, no provider configured) the goal itself is read. Either way the clauses
are mapped onto the response action registry by the NLP app's plan parser (incidents.nlp.workflows),
with the incident's source IP, accounts and host as context, and grouped into stages:

    contain (containment) -> eradicate (identity) -> investigate -> communicate (notification, tickets)

The plan becomes a workflow of the one response engine (origin "orchestrator", goal and plan kept
on it), so it passes the approval gate when one of its actions needs approval, runs its steps
as Celery tasks through the executor stage, and is cancelled before its next step.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from ai.services import assistant_complete, assistant_provider_for
from config.api.errors import ApplicationError, ErrorCode
from incidents.response.actions import action_registry
from incidents.response.models import Workflow, WorkflowOrigin, WorkflowStatus
from incidents.response.services.pipeline import pipeline_status
from incidents.response.services.workflows import workflow_create, workflow_execute
from incidents.threats.models import Threat

STAGES = [
    ("contain", ("containment",)),
    ("eradicate", ("identity",)),
    ("investigate", ("investigation",)),
    ("communicate", ("notification", "ticketing")),
]
SYSTEM = (
    "You turn a security responder's goal into response actions. Answer with one short clause per "
    "action, separated by ';', using only these actions: {actions}. Keep IP addresses, hostnames and "
    "account names from the goal. No other text."
)


def _context(incident) -> dict[str, Any]:
    if incident is None:
        return {}
    context: dict[str, Any] = {"title": f"{incident.human_id}: {incident.title}"}
    if incident.source_ip:
        context["ip"] = incident.source_ip
    users: list[str] = []
    for iocs in (
        Threat.objects.for_organization(incident.organization_id)
        .filter(incident=incident)
        .values_list("iocs", flat=True)[:50]
    ):
        users.extend(u for u in (iocs or {}).get("users", []) if u and u not in users)
    if users:
        context["users"] = users[:20]
        context["user"] = users[0]
    return context


def _stage_of(category: str) -> str:
    return next((name for name, categories in STAGES if category in categories), "communicate")


def goal_plan(*, organization, actor, goal: str, incident=None) -> dict[str, Any]:
    """The goal as a plan of stages; raises VALIDATION_ERROR when it maps onto no usable action."""
    from incidents.nlp.workflows import plan_parse

    context = _context(incident)
    provider = assistant_provider_for(organization=organization, user=actor)
    planner = "deterministic"
    parsed = None
    if not provider.is_local:
        completion = assistant_complete(
            provider=provider,
            system=SYSTEM.format(actions=", ".join(sorted(action_registry()))),
            prompt=goal,
        )
        rewritten = plan_parse(plan=completion.text.strip()[:2000], context={**context, "plan": goal})
        if rewritten["steps"] and all(step["valid"] for step in rewritten["steps"]):
            parsed, planner = rewritten, f"ai:{provider.code}"
    if parsed is None:
        parsed = plan_parse(plan=goal, context=context)
    invalid = [s for s in parsed["steps"] if not s["valid"]]
    if not parsed["steps"] or invalid:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "The goal does not map onto registered response actions with all their parameters."
            + (
                " Name the incident (incident_id) to act on its source and accounts."
                if incident is None
                else ""
            ),
            {
                "goal": [goal],
                "unmapped": parsed["unmapped"],
                "invalid_steps": [
                    {"text": s["text"], "action": s["action"], "errors": s["param_errors"]} for s in invalid
                ],
            },
        )
    registry = action_registry()
    stages: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in STAGES}
    for step in parsed["steps"]:
        stages[_stage_of(registry[step["action"]].category)].append(
            {
                "action": step["action"],
                "params": step["params"],
                "text": step["text"],
                "requires_approval": step["requires_approval"],
            }
        )
    return {
        "goal": goal,
        "planner": planner,
        "stages": [
            {"stage": name, "agent": "executor", "actions": actions}
            for name, actions in stages.items()
            if actions
        ],
        "unmapped": parsed["unmapped"],
        "requires_approval": parsed["requires_approval"],
    }


def orchestrate(
    *, organization, actor, goal: str, incident=None, dry_run: bool = False, execute: bool = True
) -> Workflow:
    """Plan the goal and make it a workflow; start it at once when `execute` and no approval is needed."""
    plan = goal_plan(organization=organization, actor=actor, goal=goal, incident=incident)
    steps = [
        {"action": action["action"], "params": action["params"]}
        for stage in plan["stages"]
        for action in stage["actions"]
    ]
    workflow = workflow_create(
        organization=organization,
        name=f"Orchestrated: {goal}"[:200],
        description=f"Planned by the orchestrator ({plan['planner']}) from the goal: {goal}",
        steps=steps,
        origin=WorkflowOrigin.ORCHESTRATOR,
        incident=incident,
        actor=actor,
        dry_run=dry_run,
        skipped_recommendations=plan["unmapped"],
        goal=goal,
        plan=plan,
    )
    if execute and workflow.status == WorkflowStatus.READY:
        workflow = workflow_execute(workflow=workflow, actor=actor)
    return workflow


def orchestrator_status(*, organization) -> dict[str, Any]:
    workflows = Workflow.objects.for_organization(organization).filter(origin=WorkflowOrigin.ORCHESTRATOR)
    counts = {row["status"]: row["n"] for row in workflows.values("status").annotate(n=Count("id"))}
    active = list(
        workflows.filter(
            status__in=[WorkflowStatus.PENDING_APPROVAL, WorkflowStatus.READY, WorkflowStatus.EXECUTING]
        ).order_by("-created_at")[:20]
    )
    agents = pipeline_status(organization=organization)
    return {
        "status": "active" if any(a["status"] == "active" for a in agents) else "disabled",
        "agents": agents,
        "workflows_total": sum(counts.values()),
        "workflows_by_status": counts,
        "active_workflows": active,
    }
