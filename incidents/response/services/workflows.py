"""One engine for seed D's playbooks and seed B's response workflows.

A workflow is an ordered list of steps (action + params + on-failure policy + retries). It waits
for human approval when any of its actions needs it (the registry says which), then runs one step
at a time as a Celery task (`response.workflow_advance`): a step's action either finishes at once
(platform actions) or waits for its agent's report, and each finish enqueues the next advance.
A cancelled workflow stops before its next step. Every advance is safe to run twice: it locks the
workflow row, and a step's action run is keyed `step:<id>:<attempt>`.

estimated_success is the product, over the steps, of each action's success rate in the
organization by Laplace's rule of succession: (succeeded + 1) / (finished + 2), so an action never
run counts 0.5 and the estimate sharpens as history grows. actual_success is the share of steps
that ran and succeeded.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

import realtime
from config.api.errors import ApplicationError, ErrorCode
from incidents.response.actions import AGENT, find_action, get_action
from incidents.response.models import (
    FINISHED,
    WORKFLOW_FINISHED,
    ActionExecution,
    ApprovalDecision,
    ApprovalStatus,
    ApprovalVia,
    ExecutionStatus,
    OnFailure,
    PipelineStage,
    ResponseSettings,
    StepStatus,
    Workflow,
    WorkflowOrigin,
    WorkflowStatus,
    WorkflowStep,
)
from incidents.response.services.pipeline import executor_enabled, executor_record, stage_config
from incidents.threats.services import next_human_id
from organizations.services.audit import audit_record

MAX_STEPS = 50


def _validate_steps(steps: list[dict[str, Any]], *, retries: int | None = None) -> list[dict[str, Any]]:
    if not steps:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, "A workflow needs at least one step.", {"steps": []}
        )
    if len(steps) > MAX_STEPS:
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, f"A workflow has at most {MAX_STEPS} steps.")
    clean, errors = [], {}
    for index, step in enumerate(steps):
        try:
            spec = get_action(step.get("action", ""))
            params = spec.validate(step.get("params") or {})
        except ApplicationError as failure:
            errors[str(index)] = {"message": failure.message, **failure.details}
            continue
        clean.append(
            {
                "action": spec.name,
                "params": params,
                "on_failure": step.get("on_failure") or OnFailure.STOP,
                "max_retries": step.get(
                    "max_retries", settings.RESPONSE_STEP_MAX_RETRIES if retries is None else retries
                ),
            }
        )
    if errors:
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, "Some steps are invalid.", {"steps": errors})
    return clean


def success_estimate(*, organization, actions: list[str]) -> float:
    history = {
        row["action"]: row
        for row in ActionExecution.objects.for_organization(organization)
        .filter(action__in=set(actions), status__in=FINISHED, dry_run=False)
        .values("action")
        .annotate(done=Count("id"), ok=Count("id", filter=Q(status=ExecutionStatus.SUCCEEDED)))
    }
    estimate = 1.0
    for action in actions:
        row = history.get(action, {"done": 0, "ok": 0})
        estimate *= (row["ok"] + 1) / (row["done"] + 2)
    return round(estimate, 4)


def _event(workflow: Workflow) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "playbook_id": workflow.human_id,
        "status": workflow.status,
        "timestamp": timezone.now(),
        "workflow_id": str(workflow.pk),
    }
    if workflow.threat is not None:
        payload["threat_id"] = workflow.threat.human_id
    return payload


@transaction.atomic
def workflow_create(
    *,
    organization,
    name: str,
    steps: list[dict[str, Any]],
    description: str = "",
    origin: str = WorkflowOrigin.MANUAL,
    threat=None,
    incident=None,
    actor=None,
    dry_run: bool = False,
    skipped_recommendations: list[str] | None = None,
    goal: str = "",
    plan: dict[str, Any] | None = None,
) -> Workflow:
    executor = stage_config(organization=organization, stage=PipelineStage.EXECUTOR)
    clean = _expand_all_agents(
        organization=organization, steps=_validate_steps(steps, retries=executor.retry_attempts)
    )
    if len(clean) > MAX_STEPS:
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, f"A workflow has at most {MAX_STEPS} steps.")
    radius, everywhere = blast_radius(clean)
    limit = blast_radius_limit(organization=organization)
    second_approver = everywhere or radius > limit
    estimate = success_estimate(organization=organization, actions=[s["action"] for s in clean])
    needs_approval = not dry_run and (
        any(get_action(step["action"]).requires_approval for step in clean)
        or second_approver
        or estimate < executor.threshold
    )
    now = timezone.now()
    workflow = Workflow.objects.create(
        organization=organization,
        human_id=next_human_id(organization=organization, prefix="PB", year=now.year),
        name=name[:200],
        description=description,
        origin=origin,
        threat=threat,
        incident=incident if incident is not None else getattr(threat, "incident", None),
        dry_run=dry_run,
        status=WorkflowStatus.PENDING_APPROVAL if needs_approval else WorkflowStatus.READY,
        approval_status=ApprovalStatus.PENDING if needs_approval else ApprovalStatus.NOT_REQUIRED,
        approval_expires_at=(
            now + timedelta(seconds=settings.RESPONSE_APPROVAL_TIMEOUT_SECONDS) if needs_approval else None
        ),
        required_approvals=2 if needs_approval and second_approver else 1,
        blast_radius=radius,
        goal=goal,
        plan=plan or {},
        estimated_success=estimate,
        skipped_recommendations=skipped_recommendations or [],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    WorkflowStep.objects.bulk_create(
        WorkflowStep(organization=organization, workflow=workflow, order=index, **step)
        for index, step in enumerate(clean, start=1)
    )
    audit_record(action="response.workflow_created", organization=organization, actor=actor, target=workflow)
    if origin == WorkflowOrigin.GENERATED:
        realtime.publish(organization, "playbook_generated", _event(workflow))
    if needs_approval:
        from incidents.response.services.approvals import approval_request_send
        from incidents.response.tasks import send_approval_expiry

        approval_request_send(workflow=workflow)

        transaction.on_commit(lambda: send_approval_expiry(workflow))
    return workflow


def _expand_all_agents(*, organization, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A step with `all_agents` becomes one step per enrolled agent able to run it (its agent_id set)."""
    from incidents.onboarding.selectors import agents_capable

    expanded: list[dict[str, Any]] = []
    for step in steps:
        params = dict(step["params"])
        if not params.pop("all_agents", False):
            expanded.append(step)
            continue
        agents = agents_capable(organization=organization, capability=step["action"])
        if not agents:
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                f"No enrolled, online agent can run {step['action']}, so all_agents targets nobody.",
                {"action": step["action"], "all_agents": True},
            )
        for agent in agents:
            expanded.append({**step, "params": {**params, "agent_id": str(agent.pk), "all_agents": True}})
    return expanded


def blast_radius(steps: list[dict[str, Any]]) -> tuple[int, bool]:
    """(distinct machines the agent actions run on, whether one of them runs on all agents).

    A machine is the step's agent_id, else its host; an action with neither runs on one agent the
    platform picks, counted once."""
    targets: set[str] = set()
    everywhere = False
    for step in steps:
        spec = find_action(step["action"])
        if spec is None or spec.executor != AGENT:
            continue
        params = step["params"]
        everywhere = everywhere or bool(params.get("all_agents"))
        if params.get("agent_id"):
            targets.add(f"agent:{params['agent_id']}")
        elif params.get("host"):
            targets.add(f"host:{str(params['host']).lower()}")
        else:
            targets.add("agent:any")
    return len(targets), everywhere


def blast_radius_limit(*, organization) -> int:
    row = ResponseSettings.objects.for_organization(organization).first()
    if row is not None and row.blast_radius_max_hosts is not None:
        return row.blast_radius_max_hosts
    return settings.RESPONSE_BLAST_RADIUS_MAX_HOSTS


# Recommendations of detection rules that are advice for people, not actions: kept on the playbook.
def playbook_steps_for_threat(threat) -> tuple[list[dict[str, Any]], list[str]]:
    """Steps from a threat's recommended actions (names or {action, params}), with params filled in."""
    steps: list[dict[str, Any]] = []
    skipped: list[str] = []
    for item in threat.recommended_actions or []:
        name, given = (
            (item.get("action", ""), item.get("params") or {}) if isinstance(item, dict) else (item, {})
        )
        spec = find_action(str(name))
        if spec is None:
            skipped.append(str(name))
            continue
        params = dict(given)
        if "ip" in spec.params().fields and "ip" not in params:
            if not threat.source_ip:
                skipped.append(str(name))
                continue
            params["ip"] = threat.source_ip
        if "users" in spec.params().fields and "users" not in params:
            users = [u for u in (threat.iocs or {}).get("users", []) if u][:20]
            if not users:
                skipped.append(str(name))
                continue
            params["users"] = users
        if "user" in spec.params().fields and "user" not in params:
            users = (threat.iocs or {}).get("users", [])
            if not users:
                skipped.append(str(name))
                continue
            params["user"] = users[0]
        if "host" in spec.params().fields and spec.params().fields["host"].required and "host" not in params:
            skipped.append(str(name))
            continue
        if any(step["action"] == spec.name for step in steps):
            continue
        steps.append(
            {
                "action": spec.name,
                "params": params,
                "on_failure": OnFailure.STOP if spec.containment else OnFailure.CONTINUE,
            }
        )
    return steps, skipped


def playbook_generate(*, threat) -> Workflow | None:
    """The playbook of a threat (one per threat); None when nothing it recommends is an action."""
    existing = Workflow.objects.for_organization(threat.organization_id).filter(threat=threat).first()
    if existing is not None:
        return existing
    steps, skipped = playbook_steps_for_threat(threat)
    if not steps:
        return None
    return workflow_create(
        organization=threat.organization,
        name=f"Respond to {threat.human_id}: {threat.title}",
        description=f"Generated from the recommended actions of {threat.threat_type}.",
        steps=steps,
        origin=WorkflowOrigin.GENERATED,
        threat=threat,
        skipped_recommendations=skipped,
    )


def _lock(workflow: Workflow) -> Workflow:
    return Workflow.objects.for_organization(workflow.organization_id).select_for_update().get(pk=workflow.pk)


def _start(workflow: Workflow) -> None:
    if not executor_enabled(organization=workflow.organization_id):
        # The executor stage is off: the workflow waits, ready, for an execute once it is back on.
        workflow.status = WorkflowStatus.READY
        workflow.save(update_fields=["status", "updated_at"])
        return
    workflow.status = WorkflowStatus.EXECUTING
    workflow.started_at = timezone.now()
    workflow.save(update_fields=["status", "started_at", "updated_at"])
    realtime.publish(workflow.organization, "playbook_executing", _event(workflow))
    _advance_later(workflow)


def _advance_later(workflow: Workflow, countdown: int = 0) -> None:
    from incidents.response.tasks import workflow_advance

    organization_id, workflow_id = str(workflow.organization_id), str(workflow.pk)
    transaction.on_commit(
        lambda: workflow_advance.apply_async(
            kwargs={"organization_id": organization_id, "workflow_id": workflow_id},
            countdown=countdown or None,
        )
    )


@transaction.atomic
def workflow_execute(*, workflow: Workflow, actor=None) -> Workflow:
    workflow = _lock(workflow)
    if workflow.status == WorkflowStatus.PENDING_APPROVAL:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"{workflow.human_id} waits for approval (POST playbooks/{workflow.human_id}/approve).",
            {"status": workflow.status},
        )
    if workflow.status != WorkflowStatus.READY:
        raise ApplicationError(
            ErrorCode.CONFLICT, f"{workflow.human_id} is {workflow.status}.", {"status": workflow.status}
        )
    if not executor_enabled(organization=workflow.organization_id):
        raise ApplicationError(
            ErrorCode.CONFLICT,
            "The executor agent is disabled for this organization (POST agents/executor/configure).",
            {"agent": "executor", "enabled": False},
        )
    _start(workflow)
    audit_record(
        action="response.workflow_executed", organization=workflow.organization, actor=actor, target=workflow
    )
    return workflow


@transaction.atomic
def playbook_approve(
    *, workflow: Workflow, approved: bool, comment: str = "", actor=None, via: str = ApprovalVia.API
) -> Workflow:
    """Record who decided and when; approval starts the run, rejection closes the workflow.

    A workflow over the blast-radius limit (required_approvals = 2) starts only once a second,
    different person approves it; one rejection closes it."""
    workflow = _lock(workflow)
    if workflow.approval_status != ApprovalStatus.PENDING:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"{workflow.human_id} is not waiting for approval (approval is {workflow.approval_status}).",
            {"approval_status": workflow.approval_status},
        )
    person = actor if getattr(actor, "is_authenticated", False) else None
    earlier = list(workflow.decisions.filter(approved=True))
    if person is not None and any(d.approver_id == person.pk for d in earlier):
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"{workflow.human_id} touches {workflow.blast_radius} hosts and needs a second, different "
            f"approver; {person.email} has already approved it.",
            {"required_approvals": workflow.required_approvals, "approvals": len(earlier)},
        )
    ApprovalDecision.objects.create(
        organization_id=workflow.organization_id,
        workflow=workflow,
        approver=person,
        approver_email=getattr(person, "email", "") or "",
        approved=approved,
        comment=comment,
        via=via,
    )
    workflow.approved_by = person
    workflow.approved_at = timezone.now()
    workflow.approval_comment = comment
    if approved and len(earlier) + 1 < workflow.required_approvals:
        workflow.save(update_fields=["approved_by", "approved_at", "approval_comment", "updated_at"])
        realtime.publish(
            workflow.organization,
            "approval_required",
            {
                **_event(workflow),
                "approvals": len(earlier) + 1,
                "required_approvals": workflow.required_approvals,
            },
        )
    elif approved:
        workflow.approval_status = ApprovalStatus.APPROVED
        workflow.status = WorkflowStatus.READY
        workflow.save()
        _start(workflow)
    else:
        workflow.approval_status = ApprovalStatus.REJECTED
        workflow.status = WorkflowStatus.REJECTED
        workflow.completed_at = workflow.approved_at
        workflow.save()
        workflow.steps.filter(status=StepStatus.PENDING).update(status=StepStatus.CANCELLED)
    audit_record(
        action="response.playbook_approved" if approved else "response.playbook_rejected",
        organization=workflow.organization,
        actor=actor,
        target=workflow,
        metadata={"comment": comment, "via": via},
    )
    return workflow


@transaction.atomic
def approval_expire(*, organization_id, workflow_id) -> Workflow | None:
    """Past its timeout a pending approval is decided by RESPONSE_APPROVAL_EXPIRY_POLICY (deny)."""
    workflow = (
        Workflow.objects.for_organization(organization_id).select_for_update().filter(pk=workflow_id).first()
    )
    if (
        workflow is None
        or workflow.approval_status != ApprovalStatus.PENDING
        or workflow.approval_expires_at is None
        or workflow.approval_expires_at > timezone.now()
    ):
        return workflow
    workflow.approval_status = ApprovalStatus.EXPIRED
    workflow.approved_at = timezone.now()
    workflow.approval_comment = f"No decision within {settings.RESPONSE_APPROVAL_TIMEOUT_SECONDS} seconds."
    if settings.RESPONSE_APPROVAL_EXPIRY_POLICY == "approve":
        workflow.status = WorkflowStatus.READY
        workflow.save()
        _start(workflow)
    else:
        workflow.status = WorkflowStatus.REJECTED
        workflow.completed_at = workflow.approved_at
        workflow.save()
        workflow.steps.filter(status=StepStatus.PENDING).update(status=StepStatus.CANCELLED)
    return workflow


@transaction.atomic
def workflow_cancel(*, workflow: Workflow, actor=None, reason: str = "") -> Workflow:
    """Stop before the next step; a step already handed to an agent finishes on its own."""
    workflow = _lock(workflow)
    if workflow.status in WORKFLOW_FINISHED:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"{workflow.human_id} is already {workflow.status}.",
            {"status": workflow.status},
        )
    workflow.status = WorkflowStatus.CANCELLED
    workflow.cancelled_at = workflow.completed_at = timezone.now()
    workflow.failure_reason = reason or "Cancelled."
    if workflow.approval_status == ApprovalStatus.PENDING:
        workflow.approval_status = ApprovalStatus.REJECTED
    workflow.actual_success = _actual_success(workflow)
    workflow.save()
    workflow.steps.filter(status=StepStatus.PENDING).update(status=StepStatus.CANCELLED)
    audit_record(
        action="response.workflow_cancelled", organization=workflow.organization, actor=actor, target=workflow
    )
    return workflow


def _actual_success(workflow: Workflow) -> float | None:
    ran = [s.status for s in workflow.steps.all() if s.status in (StepStatus.SUCCEEDED, StepStatus.FAILED)]
    if not ran:
        return None
    return round(sum(1 for s in ran if s == StepStatus.SUCCEEDED) / len(ran), 4)


def _complete(workflow: Workflow) -> None:
    workflow.status = WorkflowStatus.COMPLETED
    workflow.completed_at = timezone.now()
    workflow.actual_success = _actual_success(workflow)
    workflow.save(update_fields=["status", "completed_at", "actual_success", "updated_at"])
    if workflow.threat is not None and workflow.actual_success:
        from incidents.response.services.threats import threat_mark_mitigated

        threat_mark_mitigated(threat=workflow.threat, workflow=workflow)


def _fail(workflow: Workflow, reason: str) -> None:
    workflow.status = WorkflowStatus.FAILED
    workflow.failure_reason = reason
    workflow.completed_at = timezone.now()
    workflow.steps.filter(status=StepStatus.PENDING).update(status=StepStatus.SKIPPED)
    workflow.actual_success = _actual_success(workflow)
    workflow.save(update_fields=["status", "failure_reason", "completed_at", "actual_success", "updated_at"])


def workflow_advance(*, organization_id, workflow_id) -> None:
    """Start the next step of an executing workflow, or close it when every step is done."""
    from incidents.response.services.executions import action_execute

    with transaction.atomic():
        workflow = (
            Workflow.objects.for_organization(organization_id)
            .select_for_update(of=("self",))
            .select_related("organization", "incident", "threat")
            .filter(pk=workflow_id)
            .first()
        )
        if workflow is None or workflow.status != WorkflowStatus.EXECUTING:
            return
        steps = list(workflow.steps.order_by("order"))
        step = next((s for s in steps if s.status in (StepStatus.PENDING, StepStatus.RUNNING)), None)
        if step is None:
            _complete(workflow)
            return
        if step.status == StepStatus.RUNNING:
            # Redelivered after a crash, or woken early: finish the step from its run if it ended.
            latest = step.executions.order_by("-created_at").first()
            if latest is not None and latest.status in FINISHED:
                _step_follow(workflow, step, latest)
            return
        step.status = StepStatus.RUNNING
        step.attempts += 1
        step.started_at = step.started_at or timezone.now()
        step.save(update_fields=["status", "attempts", "started_at", "updated_at"])
        action_execute(
            organization=workflow.organization,
            action=step.action,
            params=step.params,
            incident=workflow.incident,
            step=step,
            dry_run=workflow.dry_run,
            idempotency_key=f"step:{step.pk}:{step.attempts}",
        )


def step_execution_finished(*, step_id, organization_id) -> None:
    step = (
        WorkflowStep.objects.for_organization(organization_id)
        .select_for_update(of=("self",))
        .select_related("workflow", "workflow__organization")
        .filter(pk=step_id)
        .first()
    )
    if step is None or step.status != StepStatus.RUNNING:
        return
    latest = step.executions.order_by("-created_at").first()
    if latest is None or latest.status not in FINISHED:
        return
    _step_follow(step.workflow, step, latest)


def _step_follow(workflow: Workflow, step: WorkflowStep, execution: ActionExecution) -> None:
    now = timezone.now()
    if execution.status == ExecutionStatus.SUCCEEDED:
        step.status = StepStatus.SUCCEEDED
        step.result = _summary(execution)
        step.error = ""
    else:
        step.error = execution.error or f"The action {execution.status}."
        if step.attempts <= step.max_retries and workflow.status == WorkflowStatus.EXECUTING:
            step.status = StepStatus.PENDING
            step.save(update_fields=["status", "error", "updated_at"])
            _advance_later(workflow, countdown=settings.RESPONSE_STEP_RETRY_DELAY_SECONDS)
            return
        step.status = StepStatus.FAILED
    step.finished_at = now
    step.duration_ms = int((now - (step.started_at or now)).total_seconds() * 1000)
    step.save()
    executor_record(step=step)
    if workflow.status != WorkflowStatus.EXECUTING:
        return
    if step.status == StepStatus.FAILED and step.on_failure == OnFailure.STOP:
        _fail(
            workflow,
            f"Step {step.order} ({step.action}) failed after {step.attempts} attempt(s): {step.error}",
        )
        return
    _advance_later(workflow)


def _summary(execution: ActionExecution) -> str:
    result = execution.result or {}
    if result.get("dry_run"):
        return f"Dry run: would {result.get('would', execution.action)}"
    if result.get("output"):
        return str(result["output"])[:500]
    return ", ".join(f"{key}={value}" for key, value in sorted(result.items()))[:500] or "done"


def workflow_from_ai_analysis(
    *, incident, actor=None, index: int | None = None, dry_run: bool = False
) -> Workflow:
    """The incident's AI analysis (issue 8's `ai_analysis.recommended_actions`, registered action names
    with params) as a workflow: one recommendation (`index`) or the whole plan. Recommendations the
    registry does not know, or whose params do not validate, are listed as skipped. The approval gate
    applies as to any workflow; one that needs no approval starts at once."""
    recommendations = list((incident.ai_analysis or {}).get("recommended_actions") or [])
    if not recommendations:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"{incident.human_id} has no AI recommendations: run POST incidents/{incident.human_id}/ai-analysis first.",
        )
    if index is not None:
        if not 0 <= index < len(recommendations):
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                f"index must be between 0 and {len(recommendations) - 1}.",
                {"index": index},
            )
        recommendations = [recommendations[index]]
    steps: list[dict[str, Any]] = []
    skipped: list[str] = []
    for item in recommendations:
        if not isinstance(item, dict):
            skipped.append(str(item))
            continue
        spec = find_action(str(item.get("action", "")))
        try:
            params = spec.validate(item.get("params") or {}) if spec else None
        except ApplicationError:
            params = None
        if spec is None or params is None:
            skipped.append(str(item.get("action", "")))
            continue
        steps.append(
            {
                "action": spec.name,
                "params": params,
                "on_failure": OnFailure.STOP if spec.containment else OnFailure.CONTINUE,
            }
        )
    if not steps:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "None of the recommendations is a valid registered action.",
            {"skipped": skipped},
        )
    label = "recommendation" if index is not None else "plan"
    workflow = workflow_create(
        organization=incident.organization,
        name=f"AI {label} for {incident.human_id}",
        description=str((incident.ai_analysis or {}).get("summary", ""))[:5000],
        steps=steps,
        origin=WorkflowOrigin.AI,
        incident=incident,
        actor=actor,
        dry_run=dry_run,
        skipped_recommendations=skipped,
    )
    if workflow.status == WorkflowStatus.READY:
        workflow = workflow_execute(workflow=workflow, actor=actor)
    return workflow
