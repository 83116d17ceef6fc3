"""Ingest and detection on the scaled topology: PostgreSQL, nonces in Redis, detection in a real worker."""

import json
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from incidents.ingest.auth import signature_for
from incidents.ingest.services import sensor_create
from incidents.models import Incident, IngestBatch, Threat
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CAPTURE = Path(__file__).resolve().parent.parent / "incidents" / "fixtures" / "cowrie-sample.jsonl"


def signed_post(client, sensor, secret, body: bytes, nonce: str):
    ts = str(int(time.time()))
    path = "/api/v1/ingest/cowrie"
    signature = signature_for(secret=secret, method="POST", path=path, ts=ts, nonce=nonce, body=body)
    return client.generic(
        "POST",
        path,
        body,
        content_type="application/json",
        HTTP_X_DEVICE_ID=str(sensor.pk),
        HTTP_X_TS=ts,
        HTTP_X_NONCE=nonce,
        HTTP_X_SIGNATURE=signature,
    )


def test_the_real_capture_is_detected_by_the_worker_and_a_replay_is_refused():
    organization = OrganizationFactory()
    admin = MembershipFactory(organization=organization)
    sensor, secret = sensor_create(organization=organization, name="hp", kind="cowrie", actor=admin.user)
    body = json.dumps([json.loads(line) for line in CAPTURE.read_text().splitlines() if line]).encode()
    nonce = f"integration-{uuid.uuid4().hex}"
    client = APIClient()

    response = signed_post(client, sensor, secret, body, nonce)
    assert response.status_code == 202, response.content
    assert cache.get(f"incidents:nonce:{sensor.pk}:{nonce}") == 1  # kept in Redis, shared by every process
    assert signed_post(client, sensor, secret, body, nonce).status_code == 401

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        batch = IngestBatch.objects.for_organization(organization).get()
        if batch.status == "done":
            break
        time.sleep(0.3)
    else:
        pytest.fail(f"the worker did not finish detection (status {batch.status}, error {batch.error!r})")
    threats = Threat.objects.for_organization(organization)
    assert threats.filter(source_ip="203.0.113.77", threat_type="brute_force_attack").count() == 1
    assert Incident.objects.for_organization(organization).filter(source_ip="203.0.113.77").count() == 1
