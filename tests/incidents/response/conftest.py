import json
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from incidents.ingest.auth import signature_for
from incidents.onboarding.services import agent_enroll, agent_heartbeat, enrollment_token_create
from incidents.threats.models import Incident, Threat
from incidents.threats.services import next_human_id
from organizations.models import Role
from tests.conftest import client_for
from tests.factories import MembershipFactory

CAPABILITIES = ["block_ip", "unblock_ip", "isolate_host", "release_host", "reset_passwords", "forensic_dump"]


class AgentClient:
    """An enrolled agent: signs every request with its device HMAC, as palisade-agent does."""

    def __init__(self, agent, secret: str):
        self.agent = agent
        self.secret = secret
        self.client = APIClient()

    def _headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        ts, nonce = str(int(time.time())), uuid.uuid4().hex
        return {
            "HTTP_X_DEVICE_ID": str(self.agent.sensor_id),
            "HTTP_X_TS": ts,
            "HTTP_X_NONCE": nonce,
            "HTTP_X_SIGNATURE": signature_for(
                secret=self.secret, method=method, path=path, ts=ts, nonce=nonce, body=body
            ),
        }

    def get(self, path: str):
        return self.client.generic("GET", path, b"", **self._headers("GET", path, b""))

    def post(self, path: str, payload):
        body = json.dumps(payload).encode()
        return self.client.generic(
            "POST", path, body, content_type="application/json", **self._headers("POST", path, body)
        )

    def commands(self) -> list[dict]:
        response = self.get("/api/v1/agents/commands")
        assert response.status_code == 200, response.content
        return response.json()["data"]["commands"]

    def report(self, command_id, *, success: bool = True, output: str = "done"):
        return self.post(
            f"/api/v1/agents/commands/{command_id}/result", {"success": success, "output": output}
        )


def enroll_agent(
    organization, *, hostname="web-01", capabilities=CAPABILITIES, heartbeat=True
) -> AgentClient:
    _token, raw = enrollment_token_create(organization=organization)
    enrollment = agent_enroll(token=raw, hostname=hostname, os="linux", capabilities=capabilities)
    if heartbeat:
        agent_heartbeat(agent=enrollment.agent, dry_run=False)
    return AgentClient(enrollment.agent, enrollment.secret)


def make_incident(
    organization, *, source_ip="203.0.113.9", severity="high", threat_type="brute_force_attack", **extra
):
    now = timezone.now()
    incident = Incident.objects.create(
        organization=organization,
        human_id=next_human_id(organization=organization, prefix="INC", year=now.year),
        title=f"{threat_type} from {source_ip}",
        source_ip=source_ip,
        severity=severity,
        risk_score=extra.pop("risk_score", 70),
        threat_count=1,
        mitre_techniques=extra.pop("mitre_techniques", ["T1110.001"]),
        first_seen_at=extra.pop("first_seen_at", now - timedelta(minutes=5)),
        last_seen_at=extra.pop("last_seen_at", now),
    )
    Threat.objects.create(
        organization=organization,
        human_id=next_human_id(organization=organization, prefix="THR", year=now.year),
        threat_type=threat_type,
        title="SSH/Telnet brute force",
        severity=severity,
        confidence=0.9,
        source_ip=source_ip,
        iocs={"ips": [source_ip], "users": ["root", "admin"]},
        recommended_actions=extra.pop(
            "recommended_actions", ["quarantine_ip", "alert_admin", "review_auth_logs", "enforce_mfa"]
        ),
        detector="correlation",
        dedupe_key=f"{threat_type}:{source_ip}:{uuid.uuid4().hex}",
        incident=incident,
        first_seen_at=incident.first_seen_at,
        last_seen_at=incident.last_seen_at,
        detected_at=incident.last_seen_at,
    )
    return incident


@pytest.fixture
def agent_a(org_a):
    return enroll_agent(org_a)


@pytest.fixture
def incident_a(org_a):
    return make_incident(org_a)


@pytest.fixture
def manager_a(org_a):
    return MembershipFactory(organization=org_a, role=Role.MANAGER)


@pytest.fixture
def editor_client(org_a):
    return client_for(MembershipFactory(organization=org_a, role=Role.EDITOR))


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a call and then everything it enqueued on commit (tasks run eagerly, as in the default)."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run
