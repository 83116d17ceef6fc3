"""Request ids on every response, and rate-limit headers on every limited response."""

import contextvars
import logging
import re
import uuid

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def request_id_for(request) -> str:
    """The client's X-Request-ID when well-formed, otherwise a fresh one."""
    supplied = request.headers.get("X-Request-ID", "")
    return supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex


class RequestIDMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class RequestIDLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


class RateLimitHeadersMiddleware:
    """Copies the usage a rate-limited view recorded on the request into X-RateLimit-* headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        usage = getattr(request, "ratelimit_usage", None)
        if usage:
            response["X-RateLimit-Limit"] = str(usage["limit"])
            response["X-RateLimit-Remaining"] = str(max(0, usage["limit"] - usage["count"]))
            response["X-RateLimit-Reset"] = str(max(0, usage["time_left"]))
            if response.status_code == 429 and not response.has_header("Retry-After"):
                # a lockout that is not this rate group's (e.g. sign-in cool-off) keeps its own figure
                response["Retry-After"] = str(max(1, usage["time_left"]))
        return response
