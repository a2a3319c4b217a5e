"""What the API's async views share (the approval long-poll, the event stream): the sign-in the
DRF views use, database work in a thread that gives its connection back, and the API's JSON
errors.

These views wait for seconds, so nothing they hold while waiting may be scarce: the database is
touched only inside `in_thread` calls, each of which closes its connection when it returns
(CONN_MAX_AGE is 0 for the web process, but Django would close it only at the end of the
request, in the request's own thread), and they run on the event loop's shared pool of threads
rather than the request's own.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import connections
from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.settings import api_settings

from config.exceptions import api_exception_handler

Parameters = ParamSpec("Parameters")
Result = TypeVar("Result")


def in_thread(
    function: Callable[Parameters, Result],
) -> Callable[Parameters, Awaitable[Result]]:
    """`function` run in a pool thread, its database connections closed when it returns."""

    @functools.wraps(function)
    def closing(*args: Parameters.args, **kwargs: Parameters.kwargs) -> Result:
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    return sync_to_async(closing, thread_sensitive=False)


def _signed_in_user_id(request: HttpRequest) -> int:
    """The signed-in user's id, by the API's own authentication classes (token, then session).
    Raises NotAuthenticated or AuthenticationFailed."""
    authenticators = [cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    drf_request = Request(request, authenticators=authenticators)
    user = drf_request.user
    if not user or not user.is_authenticated:
        raise exceptions.NotAuthenticated()
    return user.pk


signed_in_user_id = in_thread(_signed_in_user_id)


def error_response(error: Exception) -> JsonResponse:
    """The API's JSON error for `error`, as the DRF views answer it (status, body, and the
    WWW-Authenticate header of a 401)."""
    if isinstance(error, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # As DRF answers a request without valid credentials: the first authenticator's header.
        authenticator = api_settings.DEFAULT_AUTHENTICATION_CLASSES[0]()
        error.auth_header = authenticator.authenticate_header(None)
    answer = api_exception_handler(error, {})
    if answer is None:
        raise error
    response = JsonResponse(answer.data, status=answer.status_code)
    for header, value in answer.headers.items():
        if header.lower() != "content-type":
            response[header] = value
    return response


def method_not_allowed(request: HttpRequest, allowed: list[str]) -> JsonResponse:
    response = error_response(exceptions.MethodNotAllowed(request.method or ""))
    response["Allow"] = ", ".join(allowed)
    return response


async def authenticated(request: HttpRequest) -> tuple[int | None, JsonResponse | None]:
    """(user id, None) for a signed-in request, (None, the 401 to answer) otherwise."""
    try:
        return await signed_in_user_id(request), None
    except exceptions.APIException as error:
        return None, error_response(error)
