import json
import time
import uuid
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from incidents.ingest.auth import signature_for
from incidents.ingest.services import sensor_create
from organizations.models import Role
from tests.conftest import client_for
from tests.factories import MembershipFactory

FIXTURES = Path(__file__).parent / "fixtures"


def cowrie_events() -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / "cowrie-sample.jsonl").read_text().splitlines() if line]


def fixture_lines(name: str) -> list[str]:
    return [line for line in (FIXTURES / name).read_text().splitlines() if line.strip()]


class SignedClient:
    """Signs each request as DESIGN.md specifies; every request gets a fresh nonce unless given one."""

    def __init__(self, sensor, secret: str):
        self.sensor = sensor
        self.secret = secret
        self.client = APIClient()

    def headers(
        self,
        method: str,
        path: str,
        body: bytes,
        *,
        ts: int | None = None,
        nonce: str | None = None,
        secret: str | None = None,
    ) -> dict[str, str]:
        ts_text = str(int(time.time()) if ts is None else ts)
        nonce = nonce or uuid.uuid4().hex
        signature = signature_for(
            secret=secret or self.secret, method=method, path=path, ts=ts_text, nonce=nonce, body=body
        )
        return {
            "HTTP_X_DEVICE_ID": str(self.sensor.pk),
            "HTTP_X_TS": ts_text,
            "HTTP_X_NONCE": nonce,
            "HTTP_X_SIGNATURE": signature,
        }

    def post(self, path: str, payload, **signing):
        body = json.dumps(payload).encode()
        return self.client.generic(
            "POST", path, body, content_type="application/json", **self.headers("POST", path, body, **signing)
        )

    def post_raw(self, path: str, body: bytes, headers: dict[str, str]):
        return self.client.generic("POST", path, body, content_type="application/json", **headers)


@pytest.fixture(autouse=True)
def _fixed_rate_limits(settings):
    """These tests are about ingestion and detection, not plans: use the fixed rates of RATE_LIMITS
    rather than billing's plan resolver, whose seeded plans a transactional test elsewhere in the
    same worker may have flushed."""
    settings.RATE_LIMIT_RESOLVER = ""


@pytest.fixture
def sensor_a(org_a, admin_a):
    sensor, secret = sensor_create(organization=org_a, name="honeypot-01", kind="cowrie", actor=admin_a.user)
    return SignedClient(sensor, secret)


@pytest.fixture
def editor_a(org_a):
    return MembershipFactory(organization=org_a, role=Role.EDITOR)


@pytest.fixture
def viewer_client(viewer_a):
    return client_for(viewer_a)


@pytest.fixture
def run_detection(django_capture_on_commit_callbacks):
    """Runs the request, then the detection task it enqueued after commit (as the embedded default does)."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run
