"""Device HMAC authentication (DESIGN.md): a sensor signs each request.

Headers: X-Device-ID (the sensor's id), X-TS (unix seconds), X-Nonce (unique per request, 8-128
characters), X-Signature (hex HMAC-SHA256 with the sensor's secret over
"METHOD\\nPATH\\nTS\\nNONCE\\n" followed by the raw body bytes; PATH is the request path without the
query string). The timestamp must be within INGEST_HMAC_WINDOW_SECONDS of the server clock, and a
nonce is accepted once: it is kept in the cache (Redis when configured, so this holds across
processes) for twice the window. Every refusal is a 401 with its own safe message and is counted on
the sensor when the sensor is known.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import time
import uuid

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import F
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from config.api.errors import ApplicationError, ErrorCode
from incidents.ingest import secrets
from incidents.ingest.models import Sensor

NONCE = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")


def signature_for(*, secret: str, method: str, path: str, ts: str, nonce: str, body: bytes) -> str:
    message = f"{method.upper()}\n{path}\n{ts}\n{nonce}\n".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class SensorUser(AnonymousUser):
    """The principal of a request signed by a sensor: authenticated, acting for its organization."""

    def __init__(self, sensor: Sensor):
        self.sensor = sensor

    @property
    def is_authenticated(self):
        return True

    @property
    def pk(self):
        return f"sensor:{self.sensor.pk}"

    id = pk

    def __str__(self) -> str:
        return f"sensor:{self.sensor.name}"


def _reject(reason: str, message: str, sensor: Sensor | None = None) -> AuthenticationFailed:
    cache.add(f"incidents:hmac-rejected:{reason}", 0, timeout=None)
    with contextlib.suppress(ValueError):
        cache.incr(f"incidents:hmac-rejected:{reason}")
    if sensor is not None:
        Sensor.objects.for_organization(sensor.organization_id).filter(pk=sensor.pk).update(
            auth_failures=F("auth_failures") + 1
        )
    return AuthenticationFailed(message)


class DeviceHmacAuthentication(BaseAuthentication):
    header = "X-Device-ID"

    def authenticate(self, request):
        device_id = request.headers.get(self.header)
        if not device_id:
            return None
        ts, nonce, signature = (request.headers.get(h, "") for h in ("X-TS", "X-Nonce", "X-Signature"))
        if not (ts and nonce and signature):
            raise _reject("missing", "Device requests need X-TS, X-Nonce and X-Signature headers.")
        try:
            sensor_id = uuid.UUID(device_id)
        except ValueError:
            raise _reject("unknown_device", "Unknown or inactive device.") from None
        sensor = (
            Sensor.objects.unscoped()  # the device id is what names the organization
            .select_related("organization")
            .filter(pk=sensor_id, is_active=True)
            .first()
        )
        if sensor is None:
            raise _reject("unknown_device", "Unknown or inactive device.")
        try:
            stamp = int(ts)
        except ValueError:
            raise _reject("bad_timestamp", "X-TS must be unix seconds.", sensor) from None
        window = settings.INGEST_HMAC_WINDOW_SECONDS
        if abs(time.time() - stamp) > window:
            raise _reject("stale", "The request timestamp is outside the allowed window.", sensor)
        if not NONCE.match(nonce):
            raise _reject("bad_nonce", "X-Nonce must be 8-128 letters, digits or -_.:", sensor)
        raw = request._request
        length = int(raw.META.get("CONTENT_LENGTH") or 0)
        if length > settings.INGEST_MAX_BATCH_BYTES:
            raise ApplicationError(
                ErrorCode.PAYLOAD_TOO_LARGE,
                f"The body is {length} bytes; the limit is {settings.INGEST_MAX_BATCH_BYTES}.",
                {"limit_bytes": settings.INGEST_MAX_BATCH_BYTES},
            )
        expected = signature_for(
            secret=secrets.decrypt(sensor.secret_encrypted),
            method=request.method,
            path=raw.path,
            ts=ts,
            nonce=nonce,
            body=raw.body,
        )
        if not hmac.compare_digest(expected, signature.strip().lower()):
            raise _reject("bad_signature", "The request signature does not match.", sensor)
        # Only a correctly signed request may spend a nonce, so nobody can burn a sensor's nonces.
        if not cache.add(f"incidents:nonce:{sensor.pk}:{nonce}", 1, timeout=2 * window):
            raise _reject("replay", "This nonce was already used; the request looks replayed.", sensor)
        for target in (request, raw):
            target.organization = sensor.organization
            target.membership = None
            target.api_key = None
            target.sensor = sensor
        return SensorUser(sensor), sensor

    def authenticate_header(self, request):
        return 'HMAC realm="palisade-devices"'


def rejection_counts() -> dict[str, int]:
    reasons = ("missing", "unknown_device", "bad_timestamp", "stale", "bad_nonce", "bad_signature", "replay")
    return {reason: int(cache.get(f"incidents:hmac-rejected:{reason}") or 0) for reason in reasons}
