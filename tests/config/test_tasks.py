import pytest
from django.core.cache import cache
from django.db import transaction

from config.tasks import HEARTBEAT_KEY, enqueue, worker_heartbeat

pytestmark = pytest.mark.django_db


def test_task_runs_in_process_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue(worker_heartbeat, source="unit-test")
        assert cache.get(HEARTBEAT_KEY) is None  # not yet: the transaction is still open

    assert len(callbacks) == 1
    assert cache.get(HEARTBEAT_KEY)["source"] == "unit-test"


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_in_a_rolled_back_transaction_never_runs():
    try:
        with transaction.atomic():
            enqueue(worker_heartbeat, source="rolled-back")
            raise RuntimeError("abort")
    except RuntimeError:
        pass

    assert cache.get(HEARTBEAT_KEY) is None


def test_tasks_follow_the_house_policy():
    assert worker_heartbeat.acks_late is True
    assert worker_heartbeat.name == "config.worker_heartbeat"
