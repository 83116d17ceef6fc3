"""The network scan on the real services: PostgreSQL row locks, and a real Celery worker taking the job
from the Redis broker (run with DATABASE_URL, REDIS_URL, CELERY_BROKER_URL and a worker, as .ci/run does)."""

import os
import threading
import time

import pytest
from django.db import connection, connections

from incidents.onboarding.models import DiscoveredAsset, DiscoveredService
from incidents.onboarding.network_scans import network_scan_request, network_scan_run
from tests.factories import OrganizationFactory
from tests.incidents.onboarding.helpers import closed_port, listening, started

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _real_services():
    missing = [
        name for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL") if not os.environ.get(name)
    ]
    if missing:
        pytest.fail(f"integration tests need {', '.join(missing)} (run them through .ci/run)")
    assert connection.vendor == "postgresql"


def test_one_scan_job_delivered_twice_at_once_records_once(monkeypatch):
    monkeypatch.setattr(
        "incidents.onboarding.network_scans.enqueue", lambda task, **kw: None
    )  # the test runs it
    organization = OrganizationFactory()
    started(organization)
    with listening(b"SSH-2.0-OpenSSH_9.6 Debian\r\n") as port:
        scan = network_scan_request(organization=organization, cidr="127.0.0.1", ports=[port, closed_port()])
        barrier = threading.Barrier(2)
        errors: list[Exception] = []

        def run():
            try:
                barrier.wait()
                network_scan_run(scan_id=str(scan.pk), organization_id=str(organization.pk))
            except Exception as exc:  # collected and asserted below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    scan.refresh_from_db()
    assert (scan.status, scan.hosts_up, scan.open_ports) == ("completed", 1, 1)
    assert DiscoveredAsset.objects.for_organization(organization).count() == 1
    assert DiscoveredService.objects.for_organization(organization).count() == 1


def test_a_real_worker_runs_the_scan_from_the_broker():
    organization = OrganizationFactory()
    started(organization)
    with listening(b"SSH-2.0-OpenSSH_9.6 Ubuntu\r\n") as port:
        scan = network_scan_request(
            organization=organization, cidr="127.0.0.1/32", ports=[port, closed_port()]
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            scan.refresh_from_db()
            if scan.status in ("completed", "failed"):
                break
            time.sleep(0.3)
    assert scan.status == "completed", scan.failure_reason
    assert scan.attempts == 1
    asset = DiscoveredAsset.objects.for_organization(organization).get()
    assert (asset.ip, asset.os_guess) == ("127.0.0.1", "linux")
    assert [(s.port, s.service) for s in asset.services.all()] == [(port, "ssh")]
