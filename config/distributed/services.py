"""What the cluster view reads and does, over Celery's control API and Redis."""

from __future__ import annotations

import socket
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache

from config.api.errors import ApplicationError, ErrorCode
from config.celery import app as celery_app
from config.distributed.tasks import TOOLS, result_key
from config.tasks import HEARTBEAT_KEY

INSPECT_TIMEOUT = 1.0
REDIS_INFO_FIELDS = (
    "redis_version",
    "redis_mode",
    "role",
    "uptime_in_seconds",
    "connected_clients",
    "blocked_clients",
    "used_memory",
    "used_memory_human",
    "used_memory_peak_human",
    "maxmemory_policy",
    "total_connections_received",
    "total_commands_processed",
    "instantaneous_ops_per_sec",
    "keyspace_hits",
    "keyspace_misses",
    "evicted_keys",
    "expired_keys",
    "rejected_connections",
)


def workers_mode() -> bool:
    return bool(settings.CELERY_BROKER_URL)


def organization_queue(organization_id) -> str:
    return f"org.{organization_id}"


def _unavailable(what: str) -> str:
    return (
        f"{what} is not available in the embedded default: no CELERY_BROKER_URL is set, so tasks run "
        "in-process and there are no workers."
    )


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)


def redis_reachability() -> dict[str, Any]:
    if not settings.REDIS_URL:
        return {
            "configured": False,
            "reachable": False,
            "message": "No REDIS_URL: the cache is local memory.",
        }
    started = time.monotonic()
    try:
        _redis().ping()
    except Exception as exc:
        return {
            "configured": True,
            "reachable": False,
            "message": f"Redis did not answer: {type(exc).__name__}.",
        }
    return {
        "configured": True,
        "reachable": True,
        "latency_ms": round((time.monotonic() - started) * 1000, 2),
        "message": "Redis answered PING.",
    }


def broker_reachability() -> dict[str, Any]:
    if not workers_mode():
        return {"configured": False, "reachable": False, "message": _unavailable("A broker")}
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return {
            "configured": True,
            "reachable": False,
            "message": f"Broker unreachable: {type(exc).__name__}.",
        }
    return {"configured": True, "reachable": True, "message": "The broker accepted a connection."}


def _inspect():
    return celery_app.control.inspect(timeout=INSPECT_TIMEOUT)


def _queue_names(active_queues: dict[str, list[dict]] | None) -> list[str]:
    names = {settings.CELERY_TASK_DEFAULT_QUEUE}
    names |= {route["queue"] for route in settings.CELERY_TASK_ROUTES.values() if "queue" in route}
    for queues in (active_queues or {}).values():
        names |= {q["name"] for q in queues}
    return sorted(names)


def queue_lengths(names: list[str]) -> list[dict[str, Any]]:
    rows = []
    with celery_app.connection_for_read() as conn:
        channel = conn.default_channel
        for name in names:
            try:
                declared = channel.queue_declare(queue=name, passive=True)
                rows.append(
                    {
                        "name": name,
                        "messages": int(declared.message_count),
                        "consumers": int(declared.consumer_count),
                    }
                )
            except Exception:
                rows.append({"name": name, "messages": 0, "consumers": 0})
                conn = conn.clone()
                channel = conn.default_channel
    return rows


def cluster_nodes() -> list[dict[str, Any]]:
    inspect = _inspect()
    stats = inspect.stats() or {}
    active = inspect.active() or {}
    queues = inspect.active_queues() or {}
    nodes = []
    for name in sorted(stats):
        pool = stats[name].get("pool", {})
        nodes.append(
            {
                "name": name,
                "pid": stats[name].get("pid"),
                "pool": {
                    "implementation": str(pool.get("implementation", "")),
                    "max_concurrency": pool.get("max-concurrency"),
                    "processes": pool.get("processes", []),
                },
                "active_tasks": [
                    {"id": t.get("id"), "name": t.get("name"), "started": t.get("time_start")}
                    for t in active.get(name, [])
                ],
                "queues": sorted(q["name"] for q in queues.get(name, [])),
                "total_tasks": stats[name].get("total", {}),
            }
        )
    return nodes


def cluster_status() -> dict[str, Any]:
    broker, redis_state = broker_reachability(), redis_reachability()
    status: dict[str, Any] = {
        "mode": "workers" if workers_mode() else "in-process",
        "broker": broker,
        "redis": redis_state,
        "workers": [],
        "queues": [],
        "last_worker_heartbeat": cache.get(HEARTBEAT_KEY),
        "message": "",
    }
    if not workers_mode():
        status["message"] = _unavailable("The worker cluster")
        return status
    if not broker["reachable"]:
        status["message"] = "The broker is unreachable: workers and queues cannot be listed."
        return status
    replies = _inspect().active_queues() or {}
    status["workers"] = sorted(replies)
    status["queues"] = queue_lengths(_queue_names(replies))
    status["message"] = f"{len(replies)} worker(s) answered within {INSPECT_TIMEOUT}s."
    return status


def cluster_health() -> dict[str, Any]:
    status = cluster_status()
    checks = {
        "broker": status["broker"]["reachable"] or not status["broker"]["configured"],
        "redis": status["redis"]["reachable"] or not status["redis"]["configured"],
        "workers": bool(status["workers"]) or not workers_mode(),
    }
    healthy = all(checks.values())
    return {
        "status": "healthy" if healthy else "degraded",
        "mode": status["mode"],
        "checks": checks,
        "workers": len(status["workers"]),
        "message": status["message"],
    }


def broadcast(*, command: str, user, task_name: str | None = None, rate: str | None = None) -> dict[str, Any]:
    if not workers_mode():
        return {
            "command": command,
            "available": False,
            "replies": [],
            "message": _unavailable("Broadcasting"),
        }
    control = celery_app.control
    if command == "ping":
        replies = control.ping(timeout=INSPECT_TIMEOUT) or []
    elif command == "rate_limit":
        # Rate limits apply to every organization's tasks: only platform operators may change them.
        if not getattr(user, "is_staff", False):
            raise ApplicationError(
                ErrorCode.FORBIDDEN, "Changing task rate limits is for platform operators (staff)."
            )
        if not task_name or task_name not in celery_app.tasks or task_name.startswith("celery."):
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                "Unknown task.",
                {"fields": {"task_name": ["Not a registered task."]}},
            )
        replies = control.rate_limit(task_name, rate, reply=True, timeout=INSPECT_TIMEOUT) or []
    else:  # pragma: no cover - the serializer restricts the choices
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, f"Unknown command {command!r}.")
    return {
        "command": command,
        "available": True,
        "replies": replies,
        "message": f"{len(replies)} worker(s) replied.",
    }


def tool_execute(*, organization_id, tool: str, wait_seconds: float) -> dict[str, Any]:
    task: Any = TOOLS[tool][0]
    execution_id = uuid.uuid4().hex
    task.apply_async(kwargs={"organization_id": str(organization_id), "execution_id": execution_id})
    deadline = time.monotonic() + wait_seconds
    result = cache.get(result_key(str(organization_id), execution_id))
    while result is None and time.monotonic() < deadline:
        time.sleep(0.1)
        result = cache.get(result_key(str(organization_id), execution_id))
    return {
        "tool": tool,
        "execution_id": execution_id,
        "mode": "workers" if workers_mode() else "in-process",
        "completed": result is not None,
        "result": result,
        "message": "Done." if result else f"Queued; no result within {wait_seconds}s.",
    }


def tool_result(*, organization_id, execution_id: str) -> dict[str, Any] | None:
    return cache.get(result_key(str(organization_id), execution_id))


def redis_metrics() -> dict[str, Any]:
    state = redis_reachability()
    if not state["reachable"]:
        return {
            "configured": state["configured"],
            "available": False,
            "info": {},
            "keyspace": {},
            "message": state["message"],
        }
    info = _redis().info()
    subset = {k: info[k] for k in REDIS_INFO_FIELDS if k in info}
    hits, misses = info.get("keyspace_hits", 0), info.get("keyspace_misses", 0)
    subset["hit_rate"] = round(hits / (hits + misses), 4) if hits + misses else None
    keyspace = {k: v for k, v in info.items() if k.startswith("db") and isinstance(v, dict)}
    return {
        "configured": True,
        "available": True,
        "info": subset,
        "keyspace": keyspace,
        "message": "Redis INFO subset.",
    }


def kafka_metrics() -> dict[str, Any]:
    servers = settings.KAFKA_BOOTSTRAP_SERVERS
    if not servers:
        return {
            "configured": False,
            "available": False,
            "bootstrap_servers": None,
            "message": "No Kafka is configured: the platform's message bus is the Celery broker (Redis).",
        }
    return {
        "configured": True,
        "available": False,
        "bootstrap_servers": servers,
        "message": "KAFKA_BOOTSTRAP_SERVERS is set, but Palisade ships no Kafka client, so it reads no Kafka metrics.",
    }


def _cache_key(organization_id, key: str) -> str:
    return f"distributed:org:{organization_id}:cache:{key}"


def cache_set(*, organization_id, key: str, value: Any, ttl: int) -> dict[str, Any]:
    cache.set(_cache_key(organization_id, key), value, timeout=ttl)
    return {"key": key, "value": value, "ttl": ttl, "backend": cache.__class__.__name__}


def cache_get(*, organization_id, key: str) -> dict[str, Any]:
    sentinel = object()
    value = cache.get(_cache_key(organization_id, key), sentinel)
    if value is sentinel:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such key in this organization's cache.", {"key": key})
    ttl = None
    if settings.REDIS_URL:
        # Django's Redis cache has no TTL read; ask Redis for the stored key (prefix and version applied).
        remaining = _redis().ttl(cache.make_key(_cache_key(organization_id, key)))
        ttl = remaining if remaining and remaining > 0 else None
    return {"key": key, "value": value, "ttl": ttl, "backend": cache.__class__.__name__}


def leader_election(
    *, organization_id, name: str, lease_seconds: int, candidate: str | None = None
) -> dict[str, Any]:
    """Take or renew the lock `name` for `candidate` (SET NX with a lease); report the current leader."""
    candidate = candidate or f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
    lock = f"palisade:distributed:org:{organization_id}:leader:{name}"
    if settings.REDIS_URL:
        client = _redis()
        elected = bool(client.set(lock, candidate, nx=True, ex=lease_seconds))
        current = (client.get(lock) or b"").decode()
        if not elected and current == candidate:
            # Renewal is atomic: extend only if we still hold it.
            renewed = client.eval(
                "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end",
                1,
                lock,
                candidate,
                lease_seconds,
            )
            elected = bool(renewed)
        remaining = client.ttl(lock)
        backend = "redis"
    else:
        elected = cache.add(lock, candidate, timeout=lease_seconds)
        current = cache.get(lock) or ""
        if not elected and current == candidate:
            cache.set(lock, candidate, timeout=lease_seconds)
            elected = True
        remaining = lease_seconds if elected else None
        backend = "cache (local memory: one process only)"
    return {
        "name": name,
        "candidate": candidate,
        "elected": elected,
        "leader": current or None,
        "lease_seconds": lease_seconds,
        "lease_remaining": remaining if remaining and remaining > 0 else None,
        "backend": backend,
    }


def consumers_change(*, organization_id, start: bool) -> dict[str, Any]:
    queue = organization_queue(organization_id)
    if not workers_mode():
        return {
            "queue": queue,
            "available": False,
            "replies": [],
            "message": _unavailable("Starting or stopping consumers"),
        }
    control = celery_app.control
    if start:
        replies = control.add_consumer(queue, reply=True, timeout=INSPECT_TIMEOUT) or []
    else:
        replies = control.cancel_consumer(queue, reply=True, timeout=INSPECT_TIMEOUT) or []
    verb = "consume from" if start else "stopped consuming from"
    return {
        "queue": queue,
        "available": True,
        "replies": replies,
        "message": f"{len(replies)} worker(s) {verb} {queue}.",
    }
