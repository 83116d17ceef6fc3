"""Wraps every DRF response in the envelope DESIGN.md specifies."""

from typing import Any

from django.utils import timezone
from rest_framework.renderers import JSONRenderer


def envelope_meta(request, **extra: Any) -> dict[str, Any]:
    meta = {
        "timestamp": timezone.now().isoformat().replace("+00:00", "Z"),
        "request_id": getattr(request, "request_id", None),
    }
    meta.update(extra)
    return meta


class EnvelopeJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        response = renderer_context.get("response")
        request = renderer_context.get("request")
        if response is None:
            return super().render(data, accepted_media_type, renderer_context)
        if response.status_code == 204 or (data is None and response.status_code < 400):
            return b""
        raw = getattr(request, "_request", request)
        if response.status_code >= 400 and isinstance(data, dict) and "error" in data:
            body = {"error": data["error"], "meta": envelope_meta(raw)}
        else:
            extra = {}
            pagination = getattr(response, "pagination", None)
            if pagination is not None:
                extra["pagination"] = pagination
            body = {"data": data, "meta": envelope_meta(raw, **extra)}
        return super().render(body, accepted_media_type, renderer_context)
