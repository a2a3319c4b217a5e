"""Session slots: when a user's running task yields, a submit waiting for that user's slot is
woken through Redis at once (a blocking pop, not a polling loop); when a user's submit ends, so
is a paused task of theirs waiting to resume. Two keys, so that neither kind of waiter takes
the other's wake-up."""

from __future__ import annotations

import functools

import redis
from django.conf import settings

SLOT_FREED_KEY = "applyline:slot-freed:{user_id}"
SUBMIT_ENDED_KEY = "applyline:submit-ended:{user_id}"
# A wake-up nobody consumed is dropped after this long: it only ever says "look again".
WAKE_TTL_SECONDS = 60
# One wait blocks at most this long, then the caller looks at the slot's holders again: two
# submits of one user can wait at once and one may take the other's wake-up; and a blocking pop
# must end well within the Redis client's socket timeout (5 s by default).
WAIT_SLICE_SECONDS = 0.5


@functools.cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def slot_freed(user_id: int) -> None:
    _wake(SLOT_FREED_KEY.format(user_id=user_id))


def submit_ended(user_id: int) -> None:
    _wake(SUBMIT_ENDED_KEY.format(user_id=user_id))


def _wake(key: str) -> None:
    # One wake-up at most waits in a key: wake-ups nobody waited for would otherwise pile up
    # while a user's tasks run, and a later waiter would spin through them, looking at the
    # slot's holders each time.
    pipeline = _client().pipeline(transaction=False)
    pipeline.lpush(key, 1)
    pipeline.ltrim(key, 0, 0)
    pipeline.expire(key, WAKE_TTL_SECONDS)
    pipeline.execute()


def wait_for_slot_freed(user_id: int, timeout: float) -> bool:
    """Block until a slot of this user is freed, or `timeout` (at most WAIT_SLICE_SECONDS)
    passes; True when woken."""
    return _wait(SLOT_FREED_KEY.format(user_id=user_id), timeout)


def wait_for_submit_ended(user_id: int, timeout: float) -> bool:
    """Block until a submit of this user ends, or `timeout` (at most WAIT_SLICE_SECONDS)
    passes; True when woken."""
    return _wait(SUBMIT_ENDED_KEY.format(user_id=user_id), timeout)


def _wait(key: str, timeout: float) -> bool:
    timeout = min(timeout, WAIT_SLICE_SECONDS)
    if timeout <= 0:
        return False
    return _client().blpop([key], timeout=timeout) is not None
