"""Maintenance tools the cluster view may run on the workers (a registry: nothing else runs)."""

from __future__ import annotations

import os
import platform
import socket
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from config.tasks import palisade_task, worker_heartbeat

RESULT_TTL = 600


def result_key(organization_id: str, execution_id: str) -> str:
    return f"distributed:org:{organization_id}:tool:{execution_id}"


def _store(organization_id: str, execution_id: str, tool: str, output: dict[str, Any]) -> dict[str, Any]:
    result = {
        "tool": tool,
        "hostname": socket.gethostname(),
        "pid": os.getpid(),
        "finished_at": timezone.now().isoformat(),
        "output": output,
    }
    cache.set(result_key(organization_id, execution_id), result, timeout=RESULT_TTL)
    return result


@palisade_task(name="distributed.diagnostics", max_retries=0)
def diagnostics(*, organization_id: str, execution_id: str) -> dict[str, Any]:
    """The worker's runtime: Python, platform, database reachability."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        database = cursor.fetchone()[0] == 1
    output = {"python": platform.python_version(), "platform": platform.platform(), "database": database}
    return _store(organization_id, execution_id, "diagnostics", output)


@palisade_task(name="distributed.heartbeat", max_retries=0)
def heartbeat(*, organization_id: str, execution_id: str) -> dict[str, Any]:
    """Record the worker heartbeat /health shows, now."""
    beat = worker_heartbeat.run(source="cluster-view")
    return _store(organization_id, execution_id, "heartbeat", beat)


@palisade_task(name="distributed.cache_probe", max_retries=0)
def cache_probe(*, organization_id: str, execution_id: str) -> dict[str, Any]:
    """Write and read back a value in the shared cache from the worker's side."""
    key = f"distributed:org:{organization_id}:probe:{execution_id}"
    cache.set(key, execution_id, timeout=60)
    ok = cache.get(key) == execution_id
    cache.delete(key)
    return _store(organization_id, execution_id, "cache_probe", {"round_trip": ok})


TOOLS: dict[str, tuple[Callable[..., Any], str]] = {
    "diagnostics": (
        diagnostics,
        "Python version, platform and database reachability of the worker that runs it.",
    ),
    "heartbeat": (heartbeat, "Record the worker heartbeat shown by /health."),
    "cache_probe": (cache_probe, "Round-trip a value through the shared cache from a worker."),
}
