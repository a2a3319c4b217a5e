"""GET /api/approvals/{id}/wait/?timeout=N: the approval as soon as it is decided, or as it is
(still open) after `timeout` seconds.

An async view: a waiter holds no database connection and no thread of its own while it waits.
It is woken by its approval's change event (config/wakeups.py), and answers with the row as it
reads it then, not with the event (an event is a hint, the row the truth). The order that keeps
a decision from being missed: listen first, read the row second.
"""

from __future__ import annotations

import asyncio
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api import ApprovalOutput
from approvals.models import OPEN_STATUSES, ApprovalRequest
from config import async_views, wakeups
from core import events


class WaitInput(serializers.Serializer):
    timeout = serializers.FloatField(
        required=False,
        min_value=0,
        max_value=settings.APPROVAL_WAIT_MAX_SECONDS,
        help_text="Seconds to wait for the decision, at most APPROVAL_WAIT_MAX_SECONDS "
        f"({settings.APPROVAL_WAIT_MAX_SECONDS}); that long when not given.",
    )


def _read(user_id: int, approval_id: int) -> dict[str, Any] | None:
    """The approval as the API shows it, or None when the user has no such approval."""
    approval = (
        ApprovalRequest.objects.select_related("task__job")
        .filter(pk=approval_id, user_id=user_id)
        .first()
    )
    return None if approval is None else dict(ApprovalOutput(approval).data)


read_approval = async_views.in_thread(_read)


def _is_about(approval_id: int):
    def accept(event: dict[str, Any]) -> bool:
        return event.get("kind") == events.KIND_APPROVAL and event["data"].get("id") == approval_id

    return accept


async def _after_listening() -> None:
    """Nothing: the moment between listening and reading the row, where a test decides."""


async def wait_for_decision(*, user_id: int, approval_id: int, timeout: float) -> dict | None:
    """The approval once decided, or as it is when `timeout` has passed; None when the user has
    no such approval."""
    subscription = wakeups.subscriber()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    with subscription.listen(user_id, accept=_is_about(approval_id)) as listener:
        await subscription.ready()
        await _after_listening()
        while True:
            live = subscription.live
            # What the listener heard so far is older than the read, which sees it.
            listener.clear()
            approval = await read_approval(user_id, approval_id)
            remaining = deadline - loop.time()
            if approval is None or approval["status"] not in OPEN_STATUSES or remaining <= 0:
                return approval
            # Woken by the approval's event, or by the subscription dropping or coming back;
            # while it is down, the row is read again every WAKEUP_FALLBACK_SECONDS.
            await listener.next(
                remaining if live else min(remaining, settings.WAKEUP_FALLBACK_SECONDS)
            )


@csrf_exempt
async def approval_wait(request: HttpRequest, approval_id: int) -> HttpResponse:
    if request.method != "GET":
        return async_views.method_not_allowed(request, ["GET"])
    user_id, refusal = await async_views.authenticated(request)
    if refusal is not None:
        return refusal
    query = WaitInput(data=request.GET)
    if not query.is_valid():
        return async_views.error_response(exceptions.ValidationError(query.errors))
    timeout = query.validated_data.get("timeout", settings.APPROVAL_WAIT_MAX_SECONDS)
    approval = await wait_for_decision(user_id=user_id, approval_id=approval_id, timeout=timeout)
    if approval is None:
        return async_views.error_response(exceptions.NotFound())
    return JsonResponse(approval)


class ApprovalWaitApi(APIView):
    """GET /api/approvals/{id}/wait/ as the schema shows it. drf-spectacular documents DRF
    views only, and DRF views are synchronous: this class describes the endpoint, and
    `approval_wait` above serves it (urls.py gives the function this class)."""

    @extend_schema(
        parameters=[WaitInput],
        responses=ApprovalOutput,
        description="The approval as soon as it is decided (approved, rejected, expired), or "
        "as it is, still pending, when `timeout` seconds have passed.",
    )
    def get(self, request: Request, approval_id: int) -> Response:
        raise NotImplementedError("approvals.waits.approval_wait serves this endpoint.")


approval_wait.cls = ApprovalWaitApi
approval_wait.initkwargs = {}
