"""/health: database, cache, broker and channel layer, 200 when all answer and 503 when one does not."""

import asyncio
import dataclasses
import uuid

from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from config.celery import app as celery_app
from config.tasks import HEARTBEAT_KEY


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection; in-process mode (no broker) is healthy by design."""

    def run(self):
        if not settings.CELERY_BROKER_URL:
            return
        try:
            with celery_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=3)
        except Exception as exc:
            raise ServiceUnavailable("Broker unreachable") from exc


@dataclasses.dataclass
class ChannelLayer(HealthCheck):
    """A message sent to a fresh channel on the layer comes back."""

    async def run(self):
        layer = get_channel_layer()
        if layer is None:
            raise ServiceUnavailable("No channel layer configured")
        channel = await layer.new_channel(prefix="health")
        probe = uuid.uuid4().hex
        try:
            await layer.send(channel, {"type": "health.probe", "probe": probe})
            message = await layer.receive(channel)
        except Exception as exc:
            raise ServiceUnavailable("Channel layer unreachable") from exc
        if message.get("probe") != probe:
            raise ServiceUnavailable("Channel layer returned another message")


CHECKS = {"database": Database, "cache": Cache, "broker": Broker, "channel_layer": ChannelLayer}


class HealthView(HealthCheckView):
    checks = tuple(CHECKS.values())

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        components = {
            name: {
                "status": "down" if result.error else "up",
                "error": str(result.error) if result.error else None,
                "time_ms": round(result.time_taken * 1000, 1),
            }
            for name, result in zip(CHECKS, results, strict=True)
        }
        healthy = all(c["status"] == "up" for c in components.values())
        heartbeat = await _heartbeat()
        body = {
            "status": "healthy" if healthy else "unhealthy",
            "timestamp": timezone.now().isoformat().replace("+00:00", "Z"),
            "components": components,
            "mode": {
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "jobs": "workers" if settings.CELERY_BROKER_URL else "in-process",
                "channel_layer": settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1],
            },
            "last_worker_heartbeat": heartbeat,
        }
        return JsonResponse(body, status=200 if healthy else 503)


async def _heartbeat():
    try:
        return await cache.aget(HEARTBEAT_KEY)
    except Exception:
        return None


health_view = HealthView.as_view()
