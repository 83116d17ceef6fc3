import os
import time

import pytest
import redis
from django.conf import settings

from config.celery import app

REQUIRED = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")


@pytest.fixture(autouse=True)
def _real_services_configured():
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        pytest.fail(f"integration tests need {', '.join(missing)} (run them through .ci/run)")


def _worker_busy(broker: redis.Redis) -> bool:
    if broker.llen(settings.CELERY_TASK_DEFAULT_QUEUE):
        return True
    # The CI worker runs the solo pool, which cannot answer while it executes a task: no answer
    # means busy.
    inspect = app.control.inspect(timeout=1)
    answers = (inspect.active(), inspect.reserved())
    return any(answer is None or any(answer.values()) for answer in answers)


@pytest.fixture(autouse=True)
def _worker_idle_before_teardown(_real_services_configured):
    """Let the worker finish what a test set off before the test's tables are flushed.

    A task still running (follow-ups of an incident: triggers, ML scoring, search vectors) holds
    locks that the flush's TRUNCATE would deadlock on. Tasks scheduled with an ETA (unblocks) are
    not waited for: they belong to the test that scheduled them.
    """
    yield
    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    deadline = time.monotonic() + 90
    idle_polls = 0
    while time.monotonic() < deadline and idle_polls < 2:
        idle_polls = 0 if _worker_busy(broker) else idle_polls + 1
        time.sleep(0.3)
