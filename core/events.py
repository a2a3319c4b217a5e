"""Change events: what a committed transaction changed, told to the web processes that wait for
it (the approval long-poll, the event stream) through Redis pub/sub.

An event is a hint, never the truth: it says "this task or approval changed, look again", and a
reader that must answer reads the row. So an event lost (Redis down, a web process restarting)
costs latency, never a wrong answer, and the writers never wait for anyone to hear it.

Channels: one per user, `applyline:events:user:<id>`, and every event of a user's task or
approval goes there. A transaction changes one user's rows as a rule (a decision changes the
approval and its task), so it makes one PUBLISH carrying all its events, however many rows
changed; a transaction that touches several users' rows makes one PUBLISH per user, sent in one
pipelined round trip. The waiter on one approval and the event stream of one user hear the same
channel and keep what concerns them. Each web process subscribes once to the pattern
`applyline:events:user:*` (config/wakeups.py): a waiter starts listening without a round trip to
Redis, and the channel's name says whose event it is without decoding the message.

Imports no app: the payloads are read from the rows' attributes.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import queue
import threading
from collections import defaultdict
from typing import Any

import redis
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

CHANNEL_PREFIX = "applyline:events:user:"
CHANNEL_PATTERN = f"{CHANNEL_PREFIX}*"
KIND_APPROVAL = "approval"
KIND_TASK = "task"
# A publish gives up after this long on a Redis that does not answer: the change is committed
# already, and the waiters read their rows on their own when they hear nothing.
PUBLISH_TIMEOUT_SECONDS = 1.0


def user_channel(user_id: int) -> str:
    return f"{CHANNEL_PREFIX}{user_id}"


def user_of_channel(channel: str) -> int | None:
    """The user id a channel's name carries, or None for a name not of this module."""
    suffix = channel.removeprefix(CHANNEL_PREFIX)
    return int(suffix) if suffix != channel and suffix.isdigit() else None


@functools.cache
def _client(url: str) -> redis.Redis:
    # redis-py's pool replaces its connections after a fork, so a worker's pool processes can
    # share this cache with their parent.
    return redis.Redis.from_url(
        url,
        socket_timeout=PUBLISH_TIMEOUT_SECONDS,
        socket_connect_timeout=PUBLISH_TIMEOUT_SECONDS,
    )


class _Batch:
    """The events of one transaction, by user, published together on its commit."""

    def __init__(self) -> None:
        self.events: dict[int, list[dict[str, Any]]] = defaultdict(list)
        # Django names a failed on-commit callback by its qualified name.
        self.__qualname__ = "core.events.publish_now"

    def __call__(self) -> None:
        publish_now(self.events)


def publish_on_commit(user_id: int, kind: str, data: dict[str, Any]) -> None:
    """Tell the user's listeners, once the surrounding transaction commits, that a row of
    theirs changed (`kind`: task or approval, `data`: what changed). Outside a transaction the
    event is published at once. Never raises: Redis being down is logged and forgotten.

    Every event of a transaction joins the first one's batch, whose one on-commit callback
    publishes them all; a rollback drops the callback, and the batch with it. (An event added in
    a savepoint that is later rolled back, in a transaction that commits, is published anyway:
    it only makes a listener read a row that did not change.)"""
    event = {"kind": kind, "data": data}
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        publish_now({user_id: [event]})
        return
    batch = _pending_batch(connection)
    if batch is None:
        batch = _Batch()
        connection.on_commit(batch, robust=True)
    batch.events[user_id].append(event)


def _pending_batch(connection: Any) -> _Batch | None:
    """The batch this transaction registered already, found among its on-commit callbacks (so
    that a batch of a transaction rolled back, whose callback Django dropped, is never reused)."""
    for _, callback, _ in reversed(connection.run_on_commit):
        if isinstance(callback, _Batch):
            return callback
    return None


class _Publisher:
    """A Celery worker's events, published by a thread of its process so that a worker never
    waits for Redis on its way to the next message: each commit hands its events over, and the
    thread sends whatever has gathered in one pipelined round trip (under load, the events of
    several transactions). Order is kept. Events still queued when the process ends are lost,
    which costs a listener latency, never a wrong answer (they are hints). Started lazily in
    the process that publishes (a pool child, after the fork)."""

    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[dict[int, list[dict[str, Any]]]] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name="applyline-events", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            merged: dict[int, list[dict[str, Any]]] = defaultdict(list)
            batch = self.queue.get()
            while batch is not None:
                for user_id, user_events in batch.items():
                    merged[user_id].extend(user_events)
                try:
                    batch = self.queue.get_nowait()
                except queue.Empty:
                    batch = None
            _publish(merged)


_background: dict[str, Any] = {"enabled": False, "publisher": None, "pid": None}


def publish_in_background() -> None:
    """From now on this process publishes from a thread of its own (Celery workers call it
    when their process starts)."""
    _background["enabled"] = True


def publish_now(events: dict[int, list[dict[str, Any]]]) -> None:
    """One PUBLISH per user, in one pipelined round trip; handed to the process's publishing
    thread when it has one (a Celery worker)."""
    if not events:
        return
    if _background["enabled"]:
        if _background["pid"] != os.getpid():
            _background.update(publisher=_Publisher(), pid=os.getpid())
        _background["publisher"].queue.put(events)
        return
    _publish(events)


def _publish(events: dict[int, list[dict[str, Any]]]) -> None:
    try:
        pipeline = _client(settings.REDIS_URL).pipeline(transaction=False)
        for user_id, user_events in events.items():
            pipeline.publish(user_channel(user_id), json.dumps({"events": user_events}))
        pipeline.execute()
    except (redis.exceptions.RedisError, OSError) as error:
        logger.warning(
            "could not publish change events (%s); listeners read their rows instead",
            error,
            extra={"users": sorted(events)},
        )


def _timestamp(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def approval_changed(approval: Any) -> None:
    """An approval request's status changed (decided, expired): its user's listeners are told on
    commit. Call it where the status changes, inside the transaction that writes it."""
    publish_on_commit(
        approval.user_id,
        KIND_APPROVAL,
        {
            "id": approval.pk,
            "task": approval.task_id,
            "status": approval.status,
            "decided_at": _timestamp(approval.decided_at),
        },
    )


def task_changed(task: Any, *, from_state: str) -> None:
    """A task's state changed: its user's listeners are told on commit."""
    publish_on_commit(
        task.user_id,
        KIND_TASK,
        {
            "id": task.pk,
            "run": task.run_id,
            "from_state": from_state,
            "state": task.state,
            "changed_at": _timestamp(task.state_changed_at),
        },
    )
