"""Envelope answers for Django-level errors under /api/, HTML elsewhere."""

from django.http import JsonResponse
from django.views import defaults

from config.api.errors import ErrorCode, error_body
from config.api.renderers import envelope_meta


def _api_error(request, code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({**error_body(code, message), "meta": envelope_meta(request)}, status=status)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return _api_error(request, ErrorCode.NOT_FOUND, "No such endpoint.", 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return _api_error(
            request, ErrorCode.INTERNAL_ERROR, "An internal error occurred; it has been logged.", 500
        )
    return defaults.server_error(request)


def bad_request(request, exception=None):
    if request.path.startswith("/api/"):
        return _api_error(request, ErrorCode.VALIDATION_ERROR, "Bad request.", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if request.path.startswith("/api/"):
        return _api_error(request, ErrorCode.FORBIDDEN, "You do not have permission to do this.", 403)
    return defaults.permission_denied(request, exception)
