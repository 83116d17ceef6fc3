"""The one exception handler: every error, ours or DRF's or Django's, becomes the envelope."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions as drf
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from config.api.errors import ApplicationError, ErrorCode, TokenExpired, error_body

logger = logging.getLogger(__name__)


_DRF_CODES: list[tuple[type[drf.APIException], str]] = [
    (drf.ValidationError, ErrorCode.VALIDATION_ERROR),
    (drf.ParseError, ErrorCode.VALIDATION_ERROR),
    (TokenExpired, ErrorCode.TOKEN_EXPIRED),
    (drf.NotAuthenticated, ErrorCode.UNAUTHORIZED),
    (drf.AuthenticationFailed, ErrorCode.UNAUTHORIZED),
    (drf.PermissionDenied, ErrorCode.FORBIDDEN),
    (drf.NotFound, ErrorCode.NOT_FOUND),
    (drf.MethodNotAllowed, ErrorCode.METHOD_NOT_ALLOWED),
    (drf.NotAcceptable, ErrorCode.NOT_ACCEPTABLE),
    (drf.UnsupportedMediaType, ErrorCode.UNSUPPORTED_MEDIA_TYPE),
    (drf.Throttled, ErrorCode.RATE_LIMITED),
]


def _first_message(detail: Any, path: str = "") -> str:
    """A readable one-line summary of a (possibly nested) DRF validation detail."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            prefix = key if key == "non_field_errors" or not path else f"{path}.{key}"
            if key == "non_field_errors":
                prefix = path
            return _first_message(value, prefix)
    if isinstance(detail, list) and detail:
        return _first_message(detail[0], path)
    text = str(detail)
    return f"{path}: {text}" if path else text


def _drf_error(exc: drf.APIException) -> tuple[str, str, Any]:
    code = next((c for cls, c in _DRF_CODES if isinstance(exc, cls)), None)
    if code is None:
        code = ErrorCode.INTERNAL_ERROR if exc.status_code >= 500 else ErrorCode.VALIDATION_ERROR
    detail = exc.detail
    if isinstance(exc, drf.ValidationError):
        return code, _first_message(detail) or "Invalid input.", {"fields": detail}
    if isinstance(exc, drf.Throttled):
        return code, "Rate limit exceeded; retry later.", {"retry_after": getattr(exc, "wait", None)}
    if isinstance(detail, dict):
        message = str(detail.get("detail") or exc.default_detail)
        details = {k: v for k, v in detail.items() if k not in ("detail", "messages")}
        return code, message, details
    return code, str(detail), {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, Http404):
        exc = drf.NotFound("The requested resource was not found.")
    elif isinstance(exc, Ratelimited):
        exc = drf.Throttled()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = drf.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, RequestDataTooBig):
        exc = ApplicationError(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large.")

    if isinstance(exc, ApplicationError):
        set_rollback()
        return Response(
            error_body(exc.code, exc.message, exc.details), status=exc.status_code, headers=exc.headers
        )

    if isinstance(exc, drf.APIException):
        response = drf_exception_handler(exc, context)  # keeps WWW-Authenticate, Retry-After, Allow
        assert response is not None
        code, message, details = _drf_error(exc)
        response.data = error_body(code, message, details)
        if isinstance(exc, TokenExpired):
            response.data["error"]["code"] = ErrorCode.TOKEN_EXPIRED
        return response

    set_rollback()
    view = context.get("view")
    logger.error("Unhandled error in %s", type(view).__name__ if view else "view", exc_info=exc)
    return Response(
        error_body(ErrorCode.INTERNAL_ERROR, "An internal error occurred; it has been logged."),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
