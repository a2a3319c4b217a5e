"""A Celery worker hands its change events to a publishing thread of its process: they reach
the user's channel all the same, in the order they were committed, while the worker goes on
without waiting for Redis."""

import json
import time

import pytest
import redis
from django.conf import settings

from core import events


@pytest.fixture
def in_background(monkeypatch):
    monkeypatch.setitem(events._background, "enabled", False)
    monkeypatch.setitem(events._background, "pid", None)
    monkeypatch.setitem(events._background, "publisher", None)
    events.publish_in_background()


def test_events_published_from_the_thread_arrive_in_order(in_background):
    subscription = redis.Redis.from_url(settings.REDIS_URL).pubsub(ignore_subscribe_messages=True)
    subscription.subscribe(events.user_channel(424242))
    assert subscription.get_message(timeout=1) is None  # the confirmation

    for number in range(5):
        events.publish_now({424242: [{"kind": "task", "data": {"id": number}}]})

    assert events._background["publisher"].thread.is_alive()
    heard, deadline = [], time.monotonic() + 5
    while len(heard) < 5 and time.monotonic() < deadline:
        message = subscription.get_message(timeout=0.5)
        if message is not None:
            heard += [event["data"]["id"] for event in json.loads(message["data"])["events"]]
    subscription.close()
    assert heard == [0, 1, 2, 3, 4]
