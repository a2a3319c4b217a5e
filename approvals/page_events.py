"""The review page's live updates, `/approve/<token>/events/`: server-sent events, one each time
the link's request or its task changes (the page then reads `status/`, approvals.pages), woken by
the web process's one Redis subscriber (config.wakeups) and holding no database connection
between its reads."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from approvals import selectors
from approvals.exceptions import ApprovalNotFound
from approvals.pages import private_answer, review_status
from config import wakeups
from core import events

# How often the fallback event stream reads the row, and how long one stream lasts before the
# browser's EventSource connects again.
# With the subscription up, the row is read again at least this often all the same (a
# deadline passing is told by the sweep's event; this is a safety net, not the way news comes).
EVENTS_RESYNC_SECONDS = 30
EVENTS_STREAM_SECONDS = 300
EVENTS_KEEPALIVE_SECONDS = 15


def _read_status(token: str) -> dict[str, Any] | None:
    try:
        review = selectors.review_by_token(token)
    except ApprovalNotFound:
        return None
    else:
        status = review_status(review)
        status["about"] = (review.approval.user_id, review.approval.pk, review.task.pk)
        return status
    finally:
        # A stream lasts minutes: it holds no database connection between its reads. (Not one
        # inside a transaction, which is its caller's: the tests' client runs this view on the
        # test's own connection.)
        if not connection.in_atomic_block:
            connection.close()


def _is_about(approval_id: int, task_id: int):
    def accept(event: dict[str, Any]) -> bool:
        about = {events.KIND_APPROVAL: approval_id, events.KIND_TASK: task_id}
        return event.get("data", {}).get("id") == about.get(event.get("kind"))

    return accept


async def status_changes(token: str) -> AsyncIterator[dict[str, Any]]:
    """The link's status each time it changes, the first at once; ends once nothing can change
    any more. Woken by the change events of its request and task (the web process's one Redis
    subscriber, config.wakeups), the row read after listening so that no change is missed;
    while the subscription is down, the row is read every WAKEUP_FALLBACK_SECONDS."""
    status = await sync_to_async(_read_status)(token)
    if status is None:
        return
    user_id, approval_id, task_id = status["about"]
    subscription = wakeups.subscriber()
    last = None
    with subscription.listen(user_id, accept=_is_about(approval_id, task_id)) as listener:
        await subscription.ready()
        while True:
            live = subscription.live
            # What the listener heard so far is older than the read, which sees it.
            listener.clear()
            status = await sync_to_async(_read_status)(token)
            if status is None:
                return
            for private in ("html", "about"):
                status.pop(private)
            seen = {key: value for key, value in status.items() if key != "seconds_left"}
            if seen != last:
                last = seen
                yield status
            if status["final"]:
                return
            await listener.next(EVENTS_RESYNC_SECONDS if live else settings.WAKEUP_FALLBACK_SECONDS)


async def _event_stream(token: str) -> AsyncIterator[str]:
    """The changes as server-sent events, a comment line when there is none for a while (so
    that proxies keep the stream open), `end` after the last; closed after
    EVENTS_STREAM_SECONDS, when the browser's EventSource connects again."""
    loop = asyncio.get_running_loop()
    closes_at = loop.time() + EVENTS_STREAM_SECONDS
    changes = status_changes(token)
    next_change = asyncio.ensure_future(anext(changes))
    try:
        while loop.time() < closes_at:
            done, _ = await asyncio.wait({next_change}, timeout=EVENTS_KEEPALIVE_SECONDS)
            if not done:
                yield ": keep-alive\n\n"
                continue
            try:
                status = next_change.result()
            except StopAsyncIteration:
                yield "event: end\ndata: {}\n\n"
                return
            event = {key: status[key] for key in ("phase", "status", "task_state")}
            yield f"data: {json.dumps(event)}\n\n"
            next_change = asyncio.ensure_future(anext(changes))
    finally:
        next_change.cancel()


@require_GET
async def review_events(request: HttpRequest, token: str) -> HttpResponse:
    """GET /approve/<token>/events/: server-sent events, one each time the link's request or
    task changes (the page then reads status/); `end` once nothing can change any more."""
    found = await sync_to_async(_read_status)(token)
    if found is None:
        return private_answer(
            JsonResponse(
                {"error": "not_found", "detail": "No approval request matches this link or id."},
                status=404,
            )
        )
    response = StreamingHttpResponse(_event_stream(token), content_type="text/event-stream")
    response["X-Accel-Buffering"] = "no"
    return private_answer(response)
