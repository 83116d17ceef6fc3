"""The scaled topology for real: PostgreSQL, Redis, a Celery worker process and channels-redis."""

import time
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from config.celery import app as celery_app
from config.tasks import HEARTBEAT_KEY, worker_heartbeat

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_database_is_postgresql():
    assert connection.vendor == "postgresql"


def test_cache_is_redis():
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("integration-probe", {"ok": True}, 30)
    assert cache.get("integration-probe") == {"ok": True}


def test_a_task_is_executed_by_the_worker_process():
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    marker = f"integration-{uuid.uuid4().hex[:8]}"
    replies = celery_app.control.ping(timeout=5)
    assert replies, "no Celery worker answered the ping"

    worker_heartbeat.apply_async(kwargs={"source": marker})

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        beat = cache.get(HEARTBEAT_KEY)
        if beat and beat["source"] == marker:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the worker did not run the task within 30 s")
    print(f"task config.worker_heartbeat({marker}) executed by worker on {beat['hostname']} at {beat['at']}")


def test_a_message_passes_through_channels_redis():
    layer = get_channel_layer()
    assert type(layer).__name__ == "RedisChannelLayer"
    group = f"integration-{uuid.uuid4().hex[:8]}"
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)

    async_to_sync(layer.group_send)(group, {"type": "integration.probe", "text": "hello through redis"})
    message = async_to_sync(layer.receive)(channel)

    assert message == {"type": "integration.probe", "text": "hello through redis"}
    print(f"channels-redis delivered {message!r} to group {group}")


def test_health_reports_the_scaled_topology(client):
    response = client.get("/health")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["mode"] == {"database": "postgresql", "jobs": "workers", "channel_layer": "RedisChannelLayer"}
    assert all(component["status"] == "up" for component in body["components"].values())
