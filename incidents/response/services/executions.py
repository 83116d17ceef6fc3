"""Running one action: validate, pick the agent, queue its command or run it here, follow the result.

Agent actions become commands: queued -> sent (the agent pulled it) -> succeeded | failed, or
expired when no result arrives within AGENT_COMMAND_TTL_SECONDS. An action no enrolled, online
agent can take fails at once with a reason that says so. Containment actions keep a Containment
row whose TTL schedules its undo (see services.containment).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

import realtime
from config.api.errors import ApplicationError, ErrorCode
from incidents.onboarding.selectors import agents_capable
from incidents.response.actions import AGENT, ResponseActionSpec, get_action
from incidents.response.models import (
    FINISHED,
    ActionExecution,
    Containment,
    ContainmentStatus,
    ExecutionStatus,
    RotationRequest,
    Ticket,
)
from organizations.models import Membership, Role
from organizations.services.audit import audit_record


def _describe(spec: ResponseActionSpec, params: dict[str, Any]) -> str:
    target = (
        params.get("ip") or params.get("host") or params.get("user") or ", ".join(params.get("users", []))
    )
    return f"{spec.name} {target}".strip()


def _pick_agent(*, organization, spec: ResponseActionSpec, params: dict[str, Any]):
    capable = agents_capable(organization=organization, capability=spec.name, hostname=params.get("host"))
    if params.get("agent_id"):
        capable = [agent for agent in capable if str(agent.pk) == str(params["agent_id"])]
    return capable[0] if capable else None


def _no_agent_reason(spec: ResponseActionSpec, params: dict[str, Any]) -> str:
    where = f" on host {params['host']!r}" if params.get("host") else ""
    if params.get("agent_id"):
        where = f" with id {params['agent_id']}"
    return (
        f"No enrolled agent{where} that can run {spec.name} has sent a heartbeat in the last "
        f"{settings.AGENT_ONLINE_SECONDS} seconds; enroll one (onboarding/generate-agent-token) or "
        "check that it is running."
    )


@transaction.atomic
def action_execute(
    *,
    organization,
    action: str,
    params: dict[str, Any] | None = None,
    incident=None,
    step=None,
    actor=None,
    dry_run: bool = False,
    idempotency_key: str = "",
) -> ActionExecution:
    """Run (platform) or queue (agent) one action; the same idempotency key returns the same run."""
    spec = get_action(action)
    clean = spec.validate(params or {})
    if clean.get("all_agents") and not clean.get("agent_id"):
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "all_agents runs through a workflow (POST response/workflows/create), where a second, "
            "different approver must approve it.",
            {"params": {"all_agents": ["Only within a workflow."]}},
        )
    if idempotency_key:
        existing = (
            ActionExecution.objects.for_organization(organization)
            .filter(idempotency_key=idempotency_key)
            .first()
        )
        if existing is not None:
            return existing
    execution = ActionExecution(
        organization=organization,
        action=spec.name,
        category=spec.category,
        params=clean,
        executor=spec.executor,
        dry_run=dry_run,
        incident=incident,
        step=step,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        idempotency_key=idempotency_key,
    )
    if dry_run:
        # Nothing leaves the platform: the run records what would have happened.
        execution.status = ExecutionStatus.SUCCEEDED
        execution.completed_at = timezone.now()
        agent = (
            _pick_agent(organization=organization, spec=spec, params=clean)
            if spec.executor == AGENT
            else None
        )
        execution.agent = agent
        execution.result = {
            "dry_run": True,
            "would": _describe(spec, clean),
            "agent": agent.hostname if agent else None,
            "agent_available": bool(agent) if spec.executor == AGENT else None,
        }
        if spec.containment and spec.reverse:
            # Every containment is reversible: the dry run names the undo and when it would run.
            execution.result["undo"] = {
                "action": spec.reverse,
                "after_seconds": clean.get("duration_seconds")
                or settings.RESPONSE_DEFAULT_CONTAINMENT_SECONDS,
            }
        try:
            with transaction.atomic():
                execution.save()
        except IntegrityError:
            return ActionExecution.objects.for_organization(organization).get(idempotency_key=idempotency_key)
        execution_finished(execution=execution)
        return execution
    if spec.executor == AGENT:
        execution.agent = _pick_agent(organization=organization, spec=spec, params=clean)
        if execution.agent is None:
            execution.status = ExecutionStatus.FAILED
            execution.error = _no_agent_reason(spec, clean)
            execution.completed_at = timezone.now()
        else:
            execution.expires_at = timezone.now() + timedelta(seconds=_command_ttl(organization, step))
    try:
        with transaction.atomic():
            execution.save()
    except IntegrityError:  # a concurrent run of the same step won the race
        return ActionExecution.objects.for_organization(organization).get(idempotency_key=idempotency_key)
    from incidents.response.services.containment import containment_begin

    containment_begin(execution=execution, spec=spec)
    audit_record(
        action="response.action_requested",
        organization=organization,
        actor=actor,
        target=execution,
        metadata={"action": spec.name, "params": clean},
    )
    if execution.status in FINISHED:
        execution_finished(execution=execution)
    elif spec.executor == AGENT:
        from incidents.response import tasks

        # Sent for the command's deadline (the executor's timeout for a workflow step).
        kwargs = {"organization_id": str(organization.pk), "execution_id": str(execution.pk)}
        deadline = execution.expires_at
        transaction.on_commit(lambda: tasks.expire_execution.apply_async(kwargs=kwargs, eta=deadline))
    else:
        _run_platform(execution=execution, spec=spec)
    return execution


def _command_ttl(organization, step) -> int:
    """A workflow step's command lives for the executor stage's timeout when one is configured."""
    if step is not None:
        from incidents.response.models import PipelineStage
        from incidents.response.services.pipeline import stage_config

        timeout = stage_config(organization=organization, stage=PipelineStage.EXECUTOR).timeout
        if timeout:
            return timeout
    return settings.AGENT_COMMAND_TTL_SECONDS


def _run_platform(*, execution: ActionExecution, spec: ResponseActionSpec) -> None:
    runner = {
        "alert_admin": _alert_admin,
        "notify_webhook": _notify_webhook,
        "create_ticket": _create_ticket,
        "rotate_credential": _rotate_credential,
    }
    try:
        result = runner[spec.name](execution)
    except ApplicationError as failure:
        execution.status = ExecutionStatus.FAILED
        execution.error = failure.message
    else:
        execution.status = ExecutionStatus.SUCCEEDED
        execution.result = result
    execution.completed_at = timezone.now()
    execution.save(update_fields=["status", "error", "result", "completed_at", "updated_at"])
    execution_finished(execution=execution)


def _subject(execution: ActionExecution) -> str:
    incident = execution.incident
    return f"[Palisade] {incident.human_id}: {incident.title}" if incident else "[Palisade] Security alert"


def _admin_emails(organization_id) -> list[str]:
    return sorted(
        {
            member.user.email
            for member in Membership.objects.for_organization(organization_id)
            .filter(role=Role.ADMIN, is_active=True)
            .select_related("user")
            if member.user.email
        }
    )


def _alert_admin(execution: ActionExecution) -> dict[str, Any]:
    recipients = _admin_emails(execution.organization_id)
    if not recipients:
        raise ApplicationError(
            ErrorCode.CONFLICT, "The organization has no active admin with an email address."
        )
    incident = execution.incident
    body = execution.params.get("message") or (
        f"Incident {incident.human_id} ({incident.severity}, risk {incident.risk_score}) from "
        f"{incident.source_ip or 'an unknown source'}: {incident.title}"
        if incident
        else "A response workflow asked to alert the organization's admins."
    )
    subject = execution.params.get("subject") or _subject(execution)
    sent = send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    return {"recipients": len(recipients), "sent": sent}


def _notify_webhook(execution: ActionExecution) -> dict[str, Any]:
    incident = execution.incident
    payload = {
        "execution_id": str(execution.pk),
        "message": execution.params.get("message") or _subject(execution),
        "severity": execution.params.get("severity") or (incident.severity if incident else "medium"),
        "incident_id": incident.human_id if incident else "",
    }
    event = realtime.publish(execution.organization, "response_notification", payload)
    return {"event_id": str(event.pk), "event_type": "response_notification"}


def _create_ticket(execution: ActionExecution) -> dict[str, Any]:
    incident = execution.incident
    ticket = Ticket.objects.create(
        organization_id=execution.organization_id,
        title=execution.params.get("title") or _subject(execution),
        description=execution.params.get("description", ""),
        priority=execution.params.get("priority", "medium"),
        incident=incident,
        execution=execution,
    )
    return {"ticket_id": str(ticket.pk), "title": ticket.title}


def _rotate_credential(execution: ActionExecution) -> dict[str, Any]:
    """A ticket for the rotation, an email to the owners, and the rotation request on record."""
    params = execution.params
    owners = list(params.get("owners") or []) or _admin_emails(execution.organization_id)
    if not owners:
        raise ApplicationError(
            ErrorCode.CONFLICT, "Nobody to notify: no owners given and no active admin with an email address."
        )
    where = params.get("location") or "an unknown location"
    ticket = Ticket.objects.create(
        organization_id=execution.organization_id,
        title=f"Rotate {params['credential']} exposed in {where}"[:300],
        description=(
            f"A secret ({params['credential']}) was exposed in {where}. Revoke it, issue a new one, "
            "update its consumers and remove it from the code and its history."
            + (f"\nFinding: {params['finding_id']}" if params.get("finding_id") else "")
            + (f"\nFingerprint: {params['fingerprint']}" if params.get("fingerprint") else "")
        ),
        priority="high",
        incident=execution.incident,
        execution=execution,
    )
    send_mail(
        f"[Palisade] Rotate the exposed credential {params['credential']}"[:200],
        f"{ticket.description}\n\nTicket: {ticket.pk}",
        settings.DEFAULT_FROM_EMAIL,
        owners,
        fail_silently=False,
    )
    rotation = RotationRequest.objects.create(
        organization_id=execution.organization_id,
        execution=execution,
        finding_id=params.get("finding_id", ""),
        credential=params["credential"],
        location=params.get("location", ""),
        fingerprint=params.get("fingerprint", ""),
        ticket=ticket,
        notified=owners,
    )
    return {"rotation_id": str(rotation.pk), "ticket_id": str(ticket.pk), "notified": len(owners)}


def execution_finished(*, execution: ActionExecution) -> None:
    """Let what waits on this run follow it: its containment, and the workflow step it belongs to."""
    from incidents.response.services.containment import containment_follow
    from incidents.response.services.workflows import step_execution_finished

    containment_follow(execution=execution)
    if execution.step_id:
        step_execution_finished(step_id=execution.step_id, organization_id=execution.organization_id)


def agent_commands_pull(*, agent, limit: int = 20) -> list[ActionExecution]:
    """The agent's queued commands, marked sent; expired ones are closed on the way."""
    now = timezone.now()
    with transaction.atomic():
        pending = list(
            ActionExecution.objects.for_organization(agent.organization_id)
            .select_for_update(skip_locked=True)
            .filter(agent=agent, status=ExecutionStatus.QUEUED)
            .order_by("created_at")[: limit * 2]
        )
        live: list[ActionExecution] = []
        for execution in pending:
            if execution.expires_at and execution.expires_at <= now:
                _expire(execution)
                continue
            if len(live) < limit:
                execution.status = ExecutionStatus.SENT
                execution.sent_at = now
                execution.save(update_fields=["status", "sent_at", "updated_at"])
                live.append(execution)
    return live


@transaction.atomic
def agent_command_report(
    *, agent, execution_id, success: bool, output: str = "", details: dict[str, Any] | None = None
) -> ActionExecution:
    execution = (
        ActionExecution.objects.for_organization(agent.organization_id)
        .select_for_update()
        .filter(pk=execution_id, agent=agent)
        .first()
    )
    if execution is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such command for this agent.")
    if execution.status in FINISHED:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"The command is already {execution.status}.",
            {"status": execution.status},
        )
    execution.status = ExecutionStatus.SUCCEEDED if success else ExecutionStatus.FAILED
    execution.result = {"output": output[:10000], **(details or {})}
    execution.error = "" if success else (output[:2000] or "The agent reported a failure.")
    execution.completed_at = timezone.now()
    if execution.sent_at is None:
        execution.sent_at = execution.completed_at
    execution.save()
    execution_finished(execution=execution)
    return execution


def _expire(execution: ActionExecution) -> None:
    execution.status = ExecutionStatus.EXPIRED
    execution.error = (
        f"The agent did not report a result within {settings.AGENT_COMMAND_TTL_SECONDS} seconds."
    )
    execution.completed_at = timezone.now()
    execution.save(update_fields=["status", "error", "completed_at", "updated_at"])
    execution_finished(execution=execution)


@transaction.atomic
def execution_expire_if_due(*, organization_id, execution_id) -> ActionExecution | None:
    execution = (
        ActionExecution.objects.for_organization(organization_id)
        .select_for_update()
        .filter(pk=execution_id)
        .first()
    )
    if execution is None or execution.status in FINISHED:
        return execution
    if execution.expires_at and execution.expires_at <= timezone.now():
        _expire(execution)
    return execution


def containments_of_target(*, organization, kind: str, target: str):
    return Containment.objects.for_organization(organization).filter(
        kind=kind, target=target, status__in=[ContainmentStatus.ACTIVE, ContainmentStatus.PENDING]
    )
