"""CSV responses behind the JSON envelope: a CSV stream bypasses the envelope renderer, and an
error on a CSV request is still rendered as the JSON error envelope."""

from drf_spectacular.openapi import AutoSchema
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from config.api.renderers import EnvelopeJSONRenderer


class CSVRenderer(BaseRenderer):
    """Lets a client ask for text/csv; the views answer with a StreamingHttpResponse themselves."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return EnvelopeJSONRenderer().render(data, "application/json", renderer_context)


class CSVAwareMixin:
    csv_actions: tuple[str, ...] = ()

    def get_renderers(self):
        renderers = super().get_renderers()
        if getattr(self, "action", None) in self.csv_actions:
            renderers.append(CSVRenderer())
        return renderers

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and isinstance(
            getattr(request, "accepted_renderer", None), CSVRenderer
        ):
            request.accepted_renderer = EnvelopeJSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class RawCSVSchema(AutoSchema):
    """Marks text/csv responses raw, so the schema hook does not wrap them in the envelope."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        for response in (operation or {}).get("responses", {}).values():
            content = response.get("content", {})
            if "text/csv" in content:
                content["text/csv"]["x-raw"] = True
        return operation
