"""Task conventions: thin tasks, JSON arguments, acks_late, bounded retries, enqueued on commit."""

import socket
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

HEARTBEAT_KEY = "palisade:worker-heartbeat"


def palisade_task(name: str, *, max_retries: int = 5, **options: Any) -> Callable:
    """shared_task with the house defaults: explicit name, acks_late, backoff with jitter, bounded retries.

    Queues are assigned by name in CELERY_TASK_ROUTES, not per task.
    """
    return shared_task(
        name=name,
        acks_late=True,
        max_retries=max_retries,
        retry_backoff=True,
        retry_backoff_max=600,
        retry_jitter=True,
        **options,
    )


def enqueue(task, /, **kwargs: Any) -> None:
    """Send `task` after the current transaction commits (at once when there is none).

    With a broker configured it goes to the workers; without one (the embedded default)
    Celery runs it eagerly in this process, still only after the commit.
    """
    transaction.on_commit(lambda: task.apply_async(kwargs=kwargs))


@palisade_task(name="config.worker_heartbeat", max_retries=0)
def worker_heartbeat(*, source: str = "beat") -> dict[str, str]:
    """Records which worker last ran a task and when; /health and the cluster view read it."""
    beat = {"hostname": socket.gethostname(), "at": timezone.now().isoformat(), "source": source}
    cache.set(HEARTBEAT_KEY, beat, timeout=3600)
    return beat
