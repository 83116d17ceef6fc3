"""Containment follows its actions: a block or isolation is pending, active, then released on schedule.

Every containment has a TTL (the action's duration_seconds, or RESPONSE_DEFAULT_CONTAINMENT_SECONDS)
and, once active, a ReleaseSchedule row for its undo. The row is the schedule: the Celery task is
sent with an ETA, and a worker starting up re-sends every pending row (tasks.resend_schedules), so
a restart loses nothing. Running a schedule twice is harmless: it acts only while it is pending.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from incidents.response.actions import ResponseActionSpec
from incidents.response.models import (
    ActionExecution,
    Containment,
    ContainmentKind,
    ContainmentStatus,
    ExecutionStatus,
    ReleaseSchedule,
    ScheduleStatus,
)

RELEASE_ACTION = {ContainmentKind.IP_BLOCK: "unblock_ip", ContainmentKind.HOST_ISOLATION: "release_host"}
RELEASED_KIND = {"unblock_ip": ContainmentKind.IP_BLOCK, "release_host": ContainmentKind.HOST_ISOLATION}


def _target(kind: str, params: dict) -> str:
    return params["ip"] if kind == ContainmentKind.IP_BLOCK else params["host"]


def containment_begin(*, execution: ActionExecution, spec: ResponseActionSpec) -> None:
    """Record the containment an action starts, or mark the ones an undo action releases."""
    if execution.dry_run:
        return
    if spec.containment:
        Containment.objects.create(
            organization_id=execution.organization_id,
            kind=spec.containment,
            target=_target(spec.containment, execution.params),
            incident=execution.incident,
            execution=execution,
            status=ContainmentStatus.PENDING,
        )
    elif spec.name in RELEASED_KIND:
        kind = RELEASED_KIND[spec.name]
        Containment.objects.for_organization(execution.organization_id).filter(
            kind=kind, target=_target(kind, execution.params), status=ContainmentStatus.ACTIVE
        ).update(status=ContainmentStatus.RELEASING, release_execution=execution)


def containment_follow(*, execution: ActionExecution) -> None:
    """Called when an execution finishes: activate, fail or release the containments it drives."""
    now = timezone.now()
    succeeded = execution.status == ExecutionStatus.SUCCEEDED
    for containment in Containment.objects.for_organization(execution.organization_id).filter(
        execution=execution, status=ContainmentStatus.PENDING
    ):
        if not succeeded:
            containment.status = ContainmentStatus.FAILED
            containment.save(update_fields=["status", "updated_at"])
            continue
        seconds = execution.params.get("duration_seconds") or settings.RESPONSE_DEFAULT_CONTAINMENT_SECONDS
        containment.status = ContainmentStatus.ACTIVE
        containment.activated_at = now
        containment.expires_at = now + timedelta(seconds=seconds)
        containment.dry_run = bool(execution.result.get("simulated"))
        containment.save(update_fields=["status", "activated_at", "expires_at", "dry_run", "updated_at"])
        release_schedule(containment=containment, run_at=containment.expires_at)
    for containment in Containment.objects.for_organization(execution.organization_id).filter(
        release_execution=execution, status=ContainmentStatus.RELEASING
    ):
        if succeeded:
            containment.status = ContainmentStatus.RELEASED
            containment.released_at = now
        else:
            containment.status = ContainmentStatus.ACTIVE
        containment.save(update_fields=["status", "released_at", "updated_at"])
        if succeeded:
            containment.schedules.filter(status=ScheduleStatus.PENDING).update(
                status=ScheduleStatus.CANCELLED, outcome="Released before its schedule."
            )


@transaction.atomic
def release_schedule(*, containment: Containment, run_at: datetime, actor=None) -> ReleaseSchedule:
    """One pending undo per containment: a new time replaces the previous one."""
    if containment.status not in (ContainmentStatus.ACTIVE, ContainmentStatus.PENDING):
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"The {containment.get_kind_display().lower()} of {containment.target} is {containment.status}.",
        )
    containment.schedules.filter(status=ScheduleStatus.PENDING).update(
        status=ScheduleStatus.CANCELLED, outcome="Replaced by a later schedule."
    )
    schedule = ReleaseSchedule.objects.create(
        organization_id=containment.organization_id,
        containment=containment,
        run_at=run_at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if containment.expires_at != run_at:
        containment.expires_at = run_at
        containment.save(update_fields=["expires_at", "updated_at"])
    from incidents.response.tasks import send_release

    transaction.on_commit(lambda: send_release(schedule))
    return schedule


@transaction.atomic
def release_run(*, organization_id, schedule_id) -> ReleaseSchedule | None:
    """Run a due schedule once: queue the undo action of its containment."""
    schedule = (
        ReleaseSchedule.objects.for_organization(organization_id)
        .select_for_update(of=("self",))
        .select_related("containment", "containment__organization", "containment__incident")
        .filter(pk=schedule_id)
        .first()
    )
    if schedule is None or schedule.status != ScheduleStatus.PENDING or schedule.run_at > timezone.now():
        return schedule
    containment = schedule.containment
    schedule.executed_at = timezone.now()
    schedule.status = ScheduleStatus.DONE
    if containment.status != ContainmentStatus.ACTIVE:
        schedule.outcome = f"Nothing to release: the containment is {containment.status}."
        schedule.save(update_fields=["status", "executed_at", "outcome", "updated_at"])
        return schedule
    from incidents.response.services.executions import action_execute

    action = RELEASE_ACTION[ContainmentKind(containment.kind)]
    params = {"ip": containment.target} if action == "unblock_ip" else {"host": containment.target}
    if containment.execution.agent_id and action == "unblock_ip":
        params["agent_id"] = str(containment.execution.agent_id)
    execution = action_execute(
        organization=containment.organization,
        action=action,
        params=params,
        incident=containment.incident,
        idempotency_key=f"release:{schedule.pk}",
    )
    schedule.outcome = f"{action} {execution.status}" + (f": {execution.error}" if execution.error else "")
    schedule.save(update_fields=["status", "executed_at", "outcome", "updated_at"])
    return schedule


def incident_containment_status(*, incident, kind: str, target: str | None = None) -> dict:
    """The newest containment of one kind for an incident, with its history and pending undo."""
    rows = Containment.objects.for_organization(incident.organization_id).filter(incident=incident, kind=kind)
    if target:
        rows = rows.filter(target=target)
    rows = list(
        rows.select_related("execution", "execution__agent")
        .prefetch_related("schedules")
        .order_by("-created_at")[:20]
    )
    current = rows[0] if rows else None
    pending = None
    if current is not None:
        pending = next((s for s in current.schedules.all() if s.status == ScheduleStatus.PENDING), None)
    return {"current": current, "history": rows, "release_scheduled_at": pending.run_at if pending else None}
