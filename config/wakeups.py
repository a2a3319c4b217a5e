"""The web process's one subscriber to the change events (core/events.py), which feeds every
waiter in the process: the approval long-polls and the event streams.

One Redis connection per event loop (one per web process under uvicorn), subscribed to every
user's channel through one pattern; it starts with the first waiter and stays. A waiter starts
listening by registering here, which costs no round trip, and hears every event that reaches
the subscriber after that, for its user only.

A waiter registers first and reads its row second: an event published before the registration
belongs to a change that committed before the read, which the read sees; one published after it
reaches the waiter. The reverse order loses the wake-up of a change committed between the read
and the registration. This holds only while the subscription is up, so a waiter looks at `live`
after registering and, when it is down, reads its row every WAKEUP_FALLBACK_SECONDS instead.

When the connection drops (Redis restarted, killed, frozen: a ping unanswered), every waiter is
told, so that it reads its row and goes on reading it while the subscription is down; the log
says so once. The subscriber reconnects with a growing delay (up to RECONNECT_MAX_SECONDS) and,
once subscribed again, tells every waiter to read its row once more (events published during
the outage are lost) and logs that it is back.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import redis.asyncio
from django.conf import settings
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from core import events

logger = logging.getLogger(__name__)

# What a listener is handed besides events: the subscription dropped, or is back.
DROPPED = "dropped"
RESUMED = "resumed"

RECONNECT_FIRST_SECONDS = 0.1
RECONNECT_MAX_SECONDS = 5.0
# A subscription silent for this long is pinged; a ping unanswered within PONG_SECONDS more
# means the server is frozen or the network cut: the connection is dropped and made again.
PING_AFTER_SECONDS = 5.0
PONG_SECONDS = 2.0
# How long a new waiter gives a subscriber that is (re)connecting before it reads its row the
# slow way.
CONNECT_WAIT_SECONDS = 0.5

Event = dict[str, Any]


class Listener:
    """What one waiter hears: the events of its user that it accepts, and DROPPED / RESUMED."""

    def __init__(self, user_id: int, accept: Callable[[Event], bool] | None) -> None:
        self.user_id = user_id
        self.accept = accept
        self._items: list[Event | str] = []
        self._arrived = asyncio.Event()

    def deliver(self, user_events: list[Event]) -> None:
        accepted = [event for event in user_events if self.accept is None or self.accept(event)]
        if accepted:
            self._items.extend(accepted)
            self._arrived.set()

    def signal(self, what: str) -> None:
        self._items.append(what)
        self._arrived.set()

    def clear(self) -> None:
        """Forget what arrived so far: a waiter about to read its row, whose read will see
        every change told so far, calls it first."""
        self._items = []
        self._arrived.clear()

    async def next(self, timeout: float) -> list[Event | str]:
        """What arrived since the last call, waiting up to `timeout` seconds for something;
        empty when nothing did."""
        if not self._items and timeout > 0:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout)
        items, self._items = self._items, []
        self._arrived.clear()
        return items


class Subscriber:
    """The subscription of one event loop. Use `subscriber()` to get the running loop's."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.loop = asyncio.get_running_loop()
        self.live = False
        self._listeners: dict[int, set[Listener]] = defaultdict(set)
        self._state_changed = asyncio.Event()
        # Since when the subscription has been down (None while up, or never tried), and the
        # delay before the next attempt.
        self._down_since: float | None = None
        self._delay = RECONNECT_FIRST_SECONDS
        self._task = self.loop.create_task(self._run(), name="applyline-wakeups")

    @contextmanager
    def listen(
        self, user_id: int, accept: Callable[[Event], bool] | None = None
    ) -> Iterator[Listener]:
        """Hear the user's events (those `accept` takes) from now until the block ends."""
        listener = Listener(user_id, accept)
        self._listeners[user_id].add(listener)
        try:
            yield listener
        finally:
            listeners = self._listeners.get(user_id)
            if listeners is not None:
                listeners.discard(listener)
                if not listeners:
                    del self._listeners[user_id]

    async def ready(self, timeout: float = CONNECT_WAIT_SECONDS) -> bool:
        """Whether the subscription is up, giving one that is being made up to `timeout`."""
        deadline = self.loop.time() + timeout
        while not self.live and not self._task.done():
            remaining = deadline - self.loop.time()
            if remaining <= 0:
                break
            self._state_changed.clear()
            try:
                await asyncio.wait_for(self._state_changed.wait(), remaining)
            except TimeoutError:
                break
        return self.live

    def listener_count(self) -> int:
        return sum(len(listeners) for listeners in self._listeners.values())

    def stop(self) -> None:
        self._task.cancel()

    # --- The connection --------------------------------------------------------------------

    def _set_live(self, live: bool) -> None:
        if live == self.live:
            return
        self.live = live
        self._state_changed.set()
        for listeners in list(self._listeners.values()):
            for listener in list(listeners):
                listener.signal(RESUMED if live else DROPPED)

    async def _run(self) -> None:
        while True:
            # redis-py would reconnect on its own, silently: the waiters must hear of a drop, so
            # the client does not retry, and this loop reconnects.
            client = redis.asyncio.Redis.from_url(
                self.url, socket_connect_timeout=2, retry=Retry(NoBackoff(), 0)
            )
            pubsub = client.pubsub()
            try:
                await pubsub.psubscribe(events.CHANNEL_PATTERN)
                await self._listen(pubsub)
            except (redis.exceptions.RedisError, OSError, TimeoutError) as error:
                if self._down_since is None:
                    self._down_since = time.monotonic()
                    logger.warning(
                        "wake-ups: no Redis subscription (%s); waiters read their rows every "
                        "%s s until it is back",
                        error or error.__class__.__name__,
                        settings.WAKEUP_FALLBACK_SECONDS,
                        extra={"redis": _without_password(self.url)},
                    )
                self._set_live(False)
            finally:
                await _close_quietly(pubsub, client)
            await asyncio.sleep(self._delay)
            self._delay = min(self._delay * 2, RECONNECT_MAX_SECONDS)

    async def _listen(self, pubsub: Any) -> None:
        """Read the subscription until it fails: its confirmation makes it live, each message
        goes to the listeners of the channel's user. A silent subscription is pinged, and one
        that does not answer is taken for dropped."""
        quiet_since = time.monotonic()
        pinged = False
        while True:
            message = await pubsub.get_message(timeout=1.0)
            now = time.monotonic()
            if message is None:
                if pinged and now - quiet_since >= PING_AFTER_SECONDS + PONG_SECONDS:
                    raise TimeoutError("a ping to Redis was not answered")
                if not pinged and now - quiet_since >= PING_AFTER_SECONDS:
                    await pubsub.ping()
                    pinged = True
                continue
            quiet_since, pinged = now, False
            kind = message["type"]
            if kind == "pmessage":
                self._dispatch(message["channel"], message["data"])
            elif kind == "psubscribe":
                self._subscribed()

    def _subscribed(self) -> None:
        self._set_live(True)
        self._delay = RECONNECT_FIRST_SECONDS
        if self._down_since is not None:
            logger.info(
                "wake-ups: subscribed to Redis again after %.1f s; waiters wait for events",
                time.monotonic() - self._down_since,
                extra={"redis": _without_password(self.url)},
            )
            self._down_since = None

    def _dispatch(self, channel: bytes, data: bytes) -> None:
        user_id = events.user_of_channel(channel.decode())
        listeners = self._listeners.get(user_id) if user_id is not None else None
        if not listeners:
            # Nobody in this process waits for this user: not even decoded.
            return
        try:
            user_events = json.loads(data)["events"]
        except (ValueError, KeyError, TypeError):
            logger.warning("wake-ups: an event message that is not ours on %s", channel)
            return
        for listener in list(listeners):
            listener.deliver(user_events)


async def _close_quietly(pubsub: Any, client: Any) -> None:
    for closing in (pubsub, client):
        with suppress(redis.exceptions.RedisError, OSError, RuntimeError):
            await closing.aclose()


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=f"{parts.hostname}:{parts.port or 6379}")
    return parts.geturl()


_current: Subscriber | None = None


def subscriber() -> Subscriber:
    """The running event loop's subscriber, started on first use (with the first waiter)."""
    global _current
    loop = asyncio.get_running_loop()
    current = _current
    if (
        current is None
        or current.loop is not loop
        or current.url != settings.REDIS_URL
        or current._task.done()
    ):
        if current is not None and current.loop is loop:
            current.stop()
        current = _current = Subscriber(settings.REDIS_URL)
    return current
