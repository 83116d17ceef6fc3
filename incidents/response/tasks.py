"""Celery tasks of the response engine: thin, ids in, one service each, safe to run twice."""

from __future__ import annotations

import logging

from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError, connection

from config.tasks import palisade_task
from incidents.response.models import ApprovalStatus, ReleaseSchedule, ScheduleStatus, Workflow

logger = logging.getLogger(__name__)


@palisade_task(name="response.workflow_advance", max_retries=5)
def workflow_advance(*, organization_id: str, workflow_id: str) -> None:
    from incidents.response.services.workflows import workflow_advance as advance

    advance(organization_id=organization_id, workflow_id=workflow_id)


@palisade_task(name="response.expire_execution", max_retries=3)
def expire_execution(*, organization_id: str, execution_id: str) -> None:
    from incidents.response.services.executions import execution_expire_if_due

    execution_expire_if_due(organization_id=organization_id, execution_id=execution_id)


@palisade_task(name="response.run_release", max_retries=5)
def run_release(*, organization_id: str, schedule_id: str) -> None:
    from incidents.response.services.containment import release_run

    release_run(organization_id=organization_id, schedule_id=schedule_id)


@palisade_task(name="response.expire_approval", max_retries=3)
def expire_approval(*, organization_id: str, workflow_id: str) -> None:
    from incidents.response.services.workflows import approval_expire

    approval_expire(organization_id=organization_id, workflow_id=workflow_id)


@palisade_task(name="response.incident_saved", max_retries=3)
def incident_saved(*, organization_id: str, incident_id: str, created: bool) -> None:
    """The pipeline's detector stage on a new or updated incident (see services.pipeline)."""
    from incidents.response.services.pipeline import detector_run

    detector_run(organization_id=organization_id, incident_id=incident_id, created=created)


@palisade_task(name="response.pipeline_analyze", max_retries=3)
def pipeline_analyze(*, organization_id: str, incident_id: str) -> None:
    """The pipeline's analyzer stage: the incident's AI analysis."""
    from incidents.response.services.pipeline import analyzer_run

    analyzer_run(organization_id=organization_id, incident_id=incident_id)


@palisade_task(name="response.secret_exposed", max_retries=5)
def secret_exposed(*, organization_id: str, payload: dict) -> None:
    """A secret_exposed event: an incident with a rotate-credential playbook, once per finding."""
    from incidents.response.services.secrets import secret_exposure_open

    secret_exposure_open(organization_id=organization_id, payload=payload)


def send_release(schedule: ReleaseSchedule) -> None:
    run_release.apply_async(
        kwargs={"organization_id": str(schedule.organization_id), "schedule_id": str(schedule.pk)},
        eta=schedule.run_at,
    )


def send_approval_expiry(workflow: Workflow) -> None:
    if workflow.approval_expires_at is None:
        return
    expire_approval.apply_async(
        kwargs={"organization_id": str(workflow.organization_id), "workflow_id": str(workflow.pk)},
        eta=workflow.approval_expires_at,
    )


def resend_schedules() -> int:
    """Re-send every pending schedule and approval deadline: the rows are the schedule, the broker
    only a delivery, so a restarted worker (or a flushed broker) loses nothing."""
    sent = 0
    for schedule in ReleaseSchedule.objects.unscoped().filter(status=ScheduleStatus.PENDING):
        send_release(schedule)
        sent += 1
    for workflow in Workflow.objects.unscoped().filter(approval_status=ApprovalStatus.PENDING):
        send_approval_expiry(workflow)
        sent += 1
    return sent


@worker_ready.connect
def _resend_on_start(**_kwargs) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    try:
        resend_schedules()
    except DatabaseError as error:  # a worker may start before the database is migrated
        logger.warning("response: could not re-send pending schedules on start: %s", error)
    finally:
        # Hold no connection while idle: tasks open their own, and a held one would keep the
        # database from being dropped or recreated (a test run recreating it, a migration).
        connection.close()
