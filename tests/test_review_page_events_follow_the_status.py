"""The review page's event stream (the fallback that reads the row): one event at once, one
each time the request or its task changes, and `end` once nothing can change any more."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient

from approvals.services import approval_decide_by_token
from tests.factories import UserFactory
from tests.reviews import pending_review, token_of

pytestmark = pytest.mark.django_db(transaction=True)


async def next_event(stream) -> tuple[str, dict]:
    """The next event of the stream (comment lines skipped): its name and data."""
    while True:
        chunk = await asyncio.wait_for(anext(stream), timeout=10)
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        if text.startswith(":"):
            continue
        lines = dict(line.split(": ", 1) for line in text.strip().splitlines())
        return lines.get("event", "message"), json.loads(lines["data"])


def test_an_event_at_once_then_one_per_change_then_end(owner):
    UserFactory(username="grace")
    opening = pending_review(owner, allowed_approvers=["grace"], require_min_approvers=2)
    async_to_sync(follow)(opening.applicant_token, token_of(opening, "grace"))


async def follow(token: str, other_approvers_token: str) -> None:
    # No approval here: its submit would go to the broker, where the engine tests' workers may
    # still be consuming.
    response = await AsyncClient().get(f"/approve/{token}/events/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-store"
    stream = aiter(response.streaming_content)
    pending = {"phase": "pending", "status": "pending", "task_state": "pending_approval"}

    assert await next_event(stream) == ("message", pending)
    await sync_to_async(approval_decide_by_token)(token=other_approvers_token, approve=True)
    assert await next_event(stream) == ("message", pending)  # a decision more
    await sync_to_async(approval_decide_by_token)(token=token, approve=False)
    assert await next_event(stream) == (
        "message",
        {"phase": "rejected", "status": "rejected", "task_state": "rejected"},
    )
    assert await next_event(stream) == ("end", {})


def test_an_unknown_link_has_no_stream():
    response = async_to_sync(AsyncClient().get)("/approve/not-a-token/events/")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
