"""One error type for the domain and one DRF exception handler that shapes every API error as
{"error": code, "detail": sentence}."""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404
from django_fsm import ConcurrentTransition, FSMFieldMixin, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A domain rule said no. Services raise subclasses; the API turns them into JSON errors."""

    code = "invalid"
    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, detail: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}


class Conflict(ApplicationError):
    code = "conflict"
    status_code = status.HTTP_409_CONFLICT


def _first_message(detail: Any, path: str = "") -> str:
    """The first message of a DRF validation tree, prefixed by the field it belongs to."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "non_field_errors":
                prefix = path
            elif isinstance(key, int):
                # A list's item, written as the services write it: job_urls[3].
                prefix = f"{path}[{key}]"
            else:
                prefix = f"{path}.{key}" if path else str(key)
            return _first_message(value, prefix)
    if isinstance(detail, list) and detail:
        return _first_message(detail[0], path)
    text = str(detail)
    return f"{path}: {text}" if path else text


def _transition_refusal(exc: TransitionNotAllowed) -> str:
    """A sentence for a refused transition: what was asked, and the state that says no."""
    instance, method = exc.object, exc.method
    if instance is None or method is None:
        return str(exc)
    action = getattr(method, "__name__", str(method)).replace("_", " ")
    states = [
        getattr(instance, f"get_{field.name}_display")()
        for field in instance._meta.fields
        if isinstance(field, FSMFieldMixin)
    ]
    noun = instance._meta.verbose_name
    return f"Cannot {action} this {noun}: it is {', '.join(states).lower()}."


def error_response(code: str, detail: str, status_code: int, **extra: Any) -> Response:
    return Response({"error": code, "detail": detail, **extra}, status=status_code)


def _suspicious_request(exc: SuspiciousOperation) -> Response:
    """Django's refusals of a request it will not read, which it would answer with an HTML 400."""
    # Logged where Django logs them, so that monitoring of django.security keeps seeing them.
    logging.getLogger(f"django.security.{exc.__class__.__name__}").warning(str(exc))
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return error_response(
            "request_too_large",
            f"The request body is larger than the {limit:,} bytes a request may carry; "
            f"send at most {settings.MAX_URLS_PER_REQUEST:,} links in one request.",
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return error_response(
            "too_many_fields",
            f"The request has more than the {limit:,} fields or files a request may carry.",
            status.HTTP_400_BAD_REQUEST,
        )
    return error_response("bad_request", "The request cannot be read.", status.HTTP_400_BAD_REQUEST)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, SuspiciousOperation):
        return _suspicious_request(exc)
    if isinstance(exc, ApplicationError):
        return error_response(exc.code, exc.detail, exc.status_code, **exc.extra)
    if isinstance(exc, TransitionNotAllowed):
        return error_response(
            "transition_not_allowed", _transition_refusal(exc), status.HTTP_409_CONFLICT
        )
    if isinstance(exc, ConcurrentTransition):
        # Another writer changed the row between our read and our conditional UPDATE.
        return error_response(
            "conflict",
            "The task was changed by someone else at the same time; reload and try again.",
            status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "error": "invalid",
            "detail": _first_message(exc.detail),
            "fields": exc.detail,
        }
    elif isinstance(exc, exceptions.APIException):
        response.data = {"error": exc.default_code, "detail": _first_message(exc.detail)}
    return response
