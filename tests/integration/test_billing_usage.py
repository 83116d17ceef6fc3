"""Usage counters under real concurrency: PostgreSQL, many threads, each its own connection."""

import importlib
import threading

import pytest
from django.db import connection, connections

from billing.models import Plan, UsageCounter
from billing.services import quota_consume, subscription_ensure, usage_record
from config.api.errors import ApplicationError
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _plans():
    """Transactional tests flush the tables after each test, data migrations included: re-seed the plans."""
    for values in importlib.import_module("billing.migrations.0002_seed_plans").PLANS:
        Plan.objects.update_or_create(code=values["code"], defaults=values)


def run_in_threads(count: int, work) -> list:
    """Runs `work()` in `count` threads released together; returns what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except Exception as exc:  # collected and asserted by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def counter(organization, resource: str, window: str = "cycle") -> int:
    return UsageCounter.objects.for_organization(organization).get(resource=resource, window=window).count


def test_database_is_postgresql():
    assert connection.vendor == "postgresql"


def test_parallel_usage_records_lose_nothing():
    organization = OrganizationFactory()
    subscription_ensure(organization=organization)

    def work():
        for _ in range(25):
            usage_record(organization, "ingested_events", amount=4)

    results = run_in_threads(16, work)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert counter(organization, "ingested_events") == 16 * 25 * 4


def test_parallel_scans_stop_exactly_at_the_quota():
    organization = OrganizationFactory()
    subscription_ensure(organization=organization)  # free: 50 scans a month

    results = run_in_threads(64, lambda: quota_consume(organization, "scans"))

    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert [r for r in results if isinstance(r, Exception) and not isinstance(r, ApplicationError)] == []
    assert len(refused) == 64 - 50
    assert {r.code for r in refused} == {"SCAN_LIMIT_EXCEEDED"}
    assert counter(organization, "scans") == 50


def test_the_first_parallel_use_creates_one_counter_and_one_subscription():
    organization = OrganizationFactory()  # no subscription yet: every thread races to create it

    results = run_in_threads(12, lambda: usage_record(organization, "api_calls", amount=5))

    assert [r for r in results if isinstance(r, Exception)] == []
    assert UsageCounter.objects.for_organization(organization).filter(resource="api_calls").count() == 2
    assert counter(organization, "api_calls", "day") == 60
    assert counter(organization, "api_calls", "cycle") == 60
