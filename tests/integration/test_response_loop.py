"""The whole response loop on one machine, every part a real process on loopback.

A daphne server (this test's PostgreSQL database, the Redis broker), the Celery worker .ci/run
starts, and the reference agent (`manage.py palisade_agent`, dry-run) as a subprocess: the agent
enrolls with a token, ships auth.log lines, detection opens a brute-force incident, a playbook is
generated, approved through the API, the agent receives block_ip and reports success,
block-status shows blocked, and the scheduled unblock then runs through the agent too.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from incidents.response.models import Workflow
from incidents.threats.models import Incident
from organizations.models import Role
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
ATTACKER = "198.51.100.23"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def child_env() -> dict[str, str]:
    """The server and the agent use the database this test uses, and the same broker and cache."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}


def wait_for(what: str, probe, timeout: float = 90, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"timed out waiting for {what}")


def auth_log_lines(count: int = 14) -> str:
    now = timezone.now()
    lines = []
    for n in range(count):
        stamp = (now - timedelta(seconds=count - n)).strftime("%b %d %H:%M:%S")
        lines.append(
            f"{stamp} bastion sshd[{4000 + n}]: Failed password for root from {ATTACKER} port {50000 + n} ssh2"
        )
    return "\n".join(lines) + "\n"


@pytest.fixture
def server():
    port = free_port()
    process = subprocess.Popen(  # noqa: S603  (fixed argv: this interpreter running daphne)
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def answering():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=30):
                return True
        except urllib.error.HTTPError:
            return True  # up, whatever it thinks of its dependencies
        except OSError:
            return False

    try:
        wait_for("the server to answer", answering, timeout=120)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_agent_enrolls_ships_logs_and_executes_the_approved_block_then_the_unblock(server, tmp_path):
    organization = OrganizationFactory()
    admin = MembershipFactory(organization=organization, role=Role.ADMIN)
    client = client_for(admin)
    token = client.post("/api/v1/onboarding/generate-agent-token", {"label": "bastion"}, format="json")
    assert token.status_code == 201, token.content
    log = tmp_path / "auth.log"
    log.write_text(auth_log_lines())

    agent = subprocess.Popen(  # noqa: S603  (fixed argv: this interpreter running manage.py)
        [
            sys.executable,
            "manage.py",
            "palisade_agent",
            "--server",
            server,
            "--token",
            token.json()["data"]["token"],
            "--hostname",
            "bastion",
            "--state-file",
            str(tmp_path / "agent.json"),
            "--log-file",
            str(log),
            "--from-start",
            "--interval",
            "0.5",
        ],
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        incident = wait_for(
            "a brute-force incident",
            lambda: Incident.objects.for_organization(organization).filter(source_ip=ATTACKER).first(),
        )
        playbook = wait_for(
            "the generated playbook",
            lambda: Workflow.objects.for_organization(organization).filter(incident=incident).first(),
        )
        assert playbook.approval_status == "pending"
        assert playbook.steps.order_by("order").first().action == "block_ip"

        approved = client.post(
            f"/api/v1/playbooks/{playbook.human_id}/approve",
            {"approved": True, "comment": "ok"},
            format="json",
        )
        assert approved.status_code == 200, approved.content

        def blocked():
            status = client.get(f"/api/v1/incidents/{incident.pk}/block-status").json()["data"]
            return status if status["blocked"] else None

        status = wait_for("block-status to show blocked", blocked)
        assert status["target"] == ATTACKER
        assert status["agent_hostname"] == "bastion"
        assert status["dry_run"] is True  # the reference agent simulates unless --execute

        at = (timezone.now() + timedelta(seconds=3)).isoformat()
        scheduled = client.post(
            f"/api/v1/incidents/{incident.pk}/schedule_unblock", {"at": at}, format="json"
        )
        assert scheduled.status_code == 201, scheduled.content

        def released():
            status = client.get(f"/api/v1/incidents/{incident.pk}/block-status").json()["data"]
            return status if status["status"] == "released" else None

        wait_for("the scheduled unblock to run through the agent", released)
        playbook.refresh_from_db()
        wait_for(
            "the playbook to finish",
            lambda: Workflow.objects.for_organization(organization).get(pk=playbook.pk).status == "completed",
        )
    finally:
        agent.terminate()
        output, _ = agent.communicate(timeout=20)
        print(output)
    assert "block_ip" in output
    assert "unblock_ip" in output
