"""GET /api/events/: the signed-in user's task and approval changes, as server-sent events.

Each change is one event named for its kind, with the change as JSON:

    event: task
    data: {"id": 12, "run": 3, "from_state": "running", "state": "pending_approval", ...}

    event: approval
    data: {"id": 7, "task": 12, "status": "approved", "decided_at": "..."}

An event says what changed, not everything about it: a page reads the task or approval from
the API when it needs more. `event: resync` says that events may have been missed (the web
process's Redis subscription was down): a page reloads what it shows. A comment line comes every
EVENTS_HEARTBEAT_SECONDS when nothing happens, and `retry:` tells the browser how long to wait
before it reconnects.

Not in the OpenAPI schema: an endless stream is not a response a schema test can read.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from config import async_views, wakeups

# How long a browser waits before it reconnects a stream that ended (milliseconds).
RETRY_MILLISECONDS = 3000


def _event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def user_events(user_id: int) -> AsyncIterator[str]:
    """The user's events as server-sent event lines, until the client goes away (Django then
    cancels the response, which ends the listening)."""
    subscription = wakeups.subscriber()
    with subscription.listen(user_id) as listener:
        yield f"retry: {RETRY_MILLISECONDS}\n: listening\n\n"
        while True:
            items = await listener.next(settings.EVENTS_HEARTBEAT_SECONDS)
            if not items:
                yield ": heartbeat\n\n"
                continue
            for item in items:
                if item == wakeups.RESUMED:
                    yield _event("resync", {})
                elif isinstance(item, dict):
                    yield _event(item["kind"], item["data"])


@csrf_exempt
async def events(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return async_views.method_not_allowed(request, ["GET"])
    user_id, refusal = await async_views.authenticated(request)
    if refusal is not None:
        return refusal
    response = StreamingHttpResponse(user_events(user_id), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    # A proxy in front (nginx) would otherwise hold the events back to fill its buffer.
    response["X-Accel-Buffering"] = "no"
    return response
