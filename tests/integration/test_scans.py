"""The scanner on PostgreSQL: concurrent jobs on one scan and on one scope, the unique findings."""

import importlib
import threading

import pytest
from django.db import connection, connections

from billing.models import Plan
from scans.models import Alert, Finding, Project, Scan, ScanStatus
from scans.services import scan_run, scan_start_code
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TOKEN = "ghp_" + "R8sT2uV4wX6yZ8aB0cD2eF4gH6iJ8kL0mN2p"
CODE = f'import pickle\nTOKEN = "{TOKEN}"\nobj = pickle.loads(blob)\n'


@pytest.fixture(autouse=True)
def _plans():
    for values in importlib.import_module("billing.migrations.0002_seed_plans").PLANS:
        Plan.objects.update_or_create(code=values["code"], defaults=values)


@pytest.fixture(autouse=True)
def _jobs_not_run_on_commit(monkeypatch):
    """The test runs the jobs itself, concurrently; nothing is sent to a broker."""
    monkeypatch.setattr("scans.services.scans.enqueue", lambda task, **kwargs: None)


def in_threads(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # collected and asserted by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_database_is_postgresql():
    assert connection.vendor == "postgresql"


def test_one_scan_run_twice_at_once_completes_once():
    organization = OrganizationFactory()
    scan = scan_start_code(organization=organization, project=None, code=CODE, filename="main.py")
    results = in_threads(2, lambda _i: scan_run(scan_id=str(scan.pk), organization_id=str(organization.pk)))
    assert results == [None, None]
    stored = Scan.objects.for_organization(organization).get()
    assert stored.status == ScanStatus.COMPLETED
    assert stored.payload_encrypted is None
    assert Finding.objects.for_organization(organization).count() == len(stored.results) >= 2
    # One alert per critical/high finding, not one per run.
    assert Alert.objects.for_organization(organization).count() == len(
        [row for row in stored.results if row["severity"] in ("critical", "high")]
    )


def test_concurrent_scans_of_one_scope_never_duplicate_findings_or_alerts():
    organization = OrganizationFactory()
    project = Project.objects.create(organization=organization, name="p")
    scans = [
        scan_start_code(organization=organization, project=project, code=CODE, filename="main.py")
        for _ in range(4)
    ]
    results = in_threads(
        4, lambda i: scan_run(scan_id=str(scans[i].pk), organization_id=str(organization.pk))
    )
    assert results == [None] * 4
    assert set(Scan.objects.for_organization(organization).values_list("status", flat=True)) == {
        ScanStatus.COMPLETED
    }
    fingerprints = list(Finding.objects.for_organization(organization).values_list("fingerprint", flat=True))
    assert len(fingerprints) == len(set(fingerprints)) >= 2
    alerts = Alert.objects.for_organization(organization)
    assert alerts.count() == len(set(alerts.values_list("finding_id", flat=True)))
    assert TOKEN not in str(list(Finding.objects.for_organization(organization).values()))
    assert Project.objects.for_organization(organization).get().scan_count == 4
