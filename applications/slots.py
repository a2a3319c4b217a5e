"""Session slots: when a user's running task yields, whoever waits for that user's slot is
woken through Redis at once (a blocking pop, not a polling loop)."""

from __future__ import annotations

import functools

import redis
from django.conf import settings

SLOT_FREED_KEY = "applyline:slot-freed:{user_id}"
# A wake-up nobody consumed is dropped after this long: it only ever says "look again".
SLOT_FREED_TTL_SECONDS = 60
# One wait blocks at most this long, then the caller looks at the slot's holders again: two
# submits of one user can wait at once and one may take the other's wake-up; and a blocking pop
# must end well within the Redis client's socket timeout (5 s by default).
WAIT_SLICE_SECONDS = 0.5


@functools.cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def slot_freed(user_id: int) -> None:
    key = SLOT_FREED_KEY.format(user_id=user_id)
    pipeline = _client().pipeline(transaction=False)
    pipeline.lpush(key, 1)
    pipeline.expire(key, SLOT_FREED_TTL_SECONDS)
    pipeline.execute()


def wait_for_slot_freed(user_id: int, timeout: float) -> bool:
    """Block until a slot of this user is freed, or `timeout` (at most WAIT_SLICE_SECONDS)
    passes; True when woken."""
    timeout = min(timeout, WAIT_SLICE_SECONDS)
    if timeout <= 0:
        return False
    return _client().blpop([SLOT_FREED_KEY.format(user_id=user_id)], timeout=timeout) is not None
