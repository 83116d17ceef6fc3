"""A Celery worker killed (SIGKILL) in the middle of a workflow step loses and duplicates nothing.

The test starts its own workers (the solo pool, this test's database, the test broker) on a queue of
its own, with CELERY_VISIBILITY_TIMEOUT=5 so the broker hands a task a dead worker held back within
seconds. The workflow's first step emails the admins through BlockingEmailBackend (below): in the
first worker it records that it started and then blocks, and the test SIGKILLs that worker there.
The task was not acknowledged (acks_late) and the step's database transaction never committed, so
a second worker gets the task again, runs the step once (its action run is keyed by step and
attempt) and the workflow completes: each step ran exactly once, one email was sent.
"""

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

from incidents.response.models import ActionExecution, Ticket, Workflow, WorkflowStatus
from incidents.response.services.workflows import workflow_create
from incidents.response.tasks import workflow_advance
from organizations.models import Role
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
QUEUE = f"response-kill-{uuid.uuid4().hex[:8]}"


class BlockingEmailBackend(BaseEmailBackend):
    """Writes 'start'/'sent' lines to $KILL_TEST_LOG; blocks after 'start' while $KILL_TEST_BLOCK=1."""

    def send_messages(self, email_messages):
        log = Path(os.environ["KILL_TEST_LOG"])
        with log.open("a") as out:
            out.write(f"start {os.getpid()}\n")
        if os.environ.get("KILL_TEST_BLOCK") == "1":
            time.sleep(600)
        with log.open("a") as out:
            out.write(f"sent {os.getpid()} {len(email_messages)}\n")
        return len(email_messages)


def _worker_env(log: Path, *, block: bool) -> dict[str, str]:
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMAIL_BACKEND": f"{__name__}.BlockingEmailBackend",
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "KILL_TEST_LOG": str(log),
        "KILL_TEST_BLOCK": "1" if block else "0",
    }


class Workers:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, log: Path, *, block: bool) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603  (fixed argv: the venv's celery worker)
            [
                str(ROOT / ".venv/bin/celery"),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"{name}-{uuid.uuid4().hex[:6]}@%h",
                "-Q",
                f"{QUEUE},{settings.CELERY_TASK_DEFAULT_QUEUE}",
            ],
            cwd=ROOT,
            env=_worker_env(log, block=block),
            stdout=(self.tmp / f"{name}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


@pytest.fixture(scope="module")
def workers(tmp_path_factory, django_db_setup):
    # Module scope: the workers outlive each test's own teardown, which waits for workers to go idle.
    pool = Workers(tmp_path_factory.mktemp("response-kill"))
    yield pool
    pool.stop_all()


def wait_for(what: str, probe, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def test_a_worker_killed_mid_step_loses_and_duplicates_nothing(workers, tmp_path):
    organization = OrganizationFactory(name="Kill test")
    MembershipFactory(organization=organization, role=Role.ADMIN)
    workflow = workflow_create(
        organization=organization,
        name="kill mid-step",
        steps=[
            {"action": "alert_admin", "params": {"subject": "kill test", "message": "step one"}},
            {"action": "create_ticket", "params": {"title": "step two"}},
        ],
    )
    assert workflow.status == WorkflowStatus.READY
    Workflow.objects.for_organization(organization).filter(pk=workflow.pk).update(
        status=WorkflowStatus.EXECUTING
    )
    log = tmp_path / "mail.log"
    log.touch()

    first = workers.start("first", log, block=True)
    workflow_advance.apply_async(
        kwargs={"organization_id": str(organization.pk), "workflow_id": str(workflow.pk)}, queue=QUEUE
    )
    wait_for("the first worker to start the step", lambda: "start" in log.read_text(), timeout=60)
    os.killpg(first.pid, signal.SIGKILL)  # in the middle of the step: the email is being sent
    first.wait(timeout=10)
    step = workflow.steps.get(order=1)
    assert (step.status, step.attempts) == ("pending", 0)  # its transaction died with the worker
    assert not ActionExecution.objects.for_organization(organization).exists()

    workers.start("second", log, block=False)

    def finished():
        workflow.refresh_from_db()
        return workflow.status in (WorkflowStatus.COMPLETED, WorkflowStatus.FAILED)

    wait_for("the second worker to complete the workflow", finished, timeout=60)
    assert workflow.status == WorkflowStatus.COMPLETED, workflow.failure_reason
    steps = list(workflow.steps.order_by("order"))
    assert [(s.status, s.attempts) for s in steps] == [("succeeded", 1), ("succeeded", 1)]
    runs = ActionExecution.objects.for_organization(organization).order_by("created_at")
    assert [run.action for run in runs] == ["alert_admin", "create_ticket"]
    assert Ticket.objects.for_organization(organization).count() == 1
    lines = log.read_text().split()
    assert lines.count("start") == 2
    assert lines.count("sent") == 1
