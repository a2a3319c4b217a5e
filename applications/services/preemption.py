"""Preemption: running work yields its slot to approved work.

An approval asks running normal work to pause (a pause request on its row); the running task
sees it at its next step boundary and goes back to the queue from its checkpoint (task_pause).
The submit waiting for that slot is woken through Redis the moment it is given back (a blocking
pop, not a polling loop); after PREEMPT_GRACE_SECONDS the holder is revoked (SIGUSR1, which the
worker turns into the same pause). When the user's submit ends, a paused task of theirs waiting
to resume is woken the same way. Two wake-up keys, so that neither kind of waiter takes the
other's wake-up.
"""

from __future__ import annotations

import functools
import logging
import time

import redis
from django.conf import settings
from django.db import transaction
from django_fsm import ConcurrentTransition

from applications import statements
from applications.exceptions import TaskLost
from applications.models import ApplicationTask
from applications.services.queueing import task_requeue
from applications.services.transitions import WORKER_ACTOR
from config import dispatch

logger = logging.getLogger(__name__)

SLOT_FREED_KEY = "applyline:slot-freed:{user_id}"
# A pause request, mirrored in Redis as the message id of the run asked to pause, so that a
# browser step can look for it between page actions without the database (and from the thread
# that drives the browser, where the ORM refuses to run).
PAUSE_SIGNAL_KEY = "applyline:pause:{task_id}"
PAUSE_SIGNAL_TTL_SECONDS = 3600
SUBMIT_ENDED_KEY = "applyline:submit-ended:{user_id}"
# A wake-up nobody consumed is dropped after this long: it only ever says "look again".
WAKE_TTL_SECONDS = 60
# One wait blocks at most this long, then the caller looks at the slot's holders again: two
# submits of one user can wait at once and one may take the other's wake-up; and a blocking pop
# must end well within the Redis client's socket timeout (5 s by default).
WAIT_SLICE_SECONDS = 0.5


# --- Asking running work to pause -------------------------------------------------------------


def task_request_pause_for(*, task: ApplicationTask) -> list[ApplicationTask]:
    """Approved work needs a slot: ask running normal work to yield. The approved task's user
    has at most MAX_SESSIONS_PER_USER sessions, so their running tasks beyond that yield; and
    when more approved tasks wait than the reserve slots actually free (a reserve slot busy with
    a submit is not) and the slots already being yielded, one more running task yields.
    Returns the tasks asked to pause (their message ids are what a revoke would target)."""
    everyone_running = statements.read_running_with_submit_counts(other_than=task.pk)
    if not everyone_running:
        return []
    running = [other for other in everyone_running if other.pause_requested_at is None]
    yielding = len(everyone_running) - len(running)
    own = [other for other in running if other.user_id == task.user_id]
    chosen = own[: max(0, len(own) - settings.MAX_SESSIONS_PER_USER + 1)]
    counts = everyone_running[0]
    # Submits take the reserve's slots first: a reserve slot is free only when fewer submits
    # run than there are reserve slots. Tasks already asked to yield will free their slots:
    # only a shortfall beyond those asks for one more.
    reserve_free = max(0, settings.RESERVE_SLOTS - counts.submitting)
    if counts.approved > reserve_free + yielding + len(chosen):
        others = [other for other in running if other not in chosen]
        chosen.extend(others[:1])
    _signal_pauses(statements.write_pause_requests([other.pk for other in chosen]))
    return chosen


def task_ask_session_holders_to_pause(*, task: ApplicationTask) -> list[ApplicationTask]:
    """The other running tasks of the task's user that hold the session its submit needs (none
    while the user has a session free); those not yet asked to pause are asked now (one may
    have been claimed after the approval)."""
    running = statements.read_running_of_user(user_id=task.user_id, other_than=task.pk)
    if len(running) < settings.MAX_SESSIONS_PER_USER:
        return []
    _signal_pauses(
        statements.write_pause_requests(
            [other.pk for other in running if not other.pause_requested_at]
        )
    )
    return running


def task_pause_requested(*, task: ApplicationTask) -> bool:
    return ApplicationTask.objects.filter(pk=task.pk, pause_requested_at__isnull=False).exists()


def _signal_pauses(asked: list[tuple[int, str]]) -> None:
    """Mirror the pause requests just written in Redis once they are committed. Lost (Redis
    down) it costs only speed: the step boundary reads the row, and the revoke follows."""

    def signal() -> None:
        try:
            pipeline = _client().pipeline(transaction=False)
            for task_id, message_id in asked:
                pipeline.set(
                    PAUSE_SIGNAL_KEY.format(task_id=task_id),
                    message_id,
                    ex=PAUSE_SIGNAL_TTL_SECONDS,
                )
            pipeline.execute()
        except redis.RedisError:
            logger.warning("could not signal pause requests %s in Redis", asked, exc_info=True)

    if asked:
        transaction.on_commit(signal)


def pause_signalled(*, task_id: int, message_id: str) -> bool:
    """Whether this run of the task (its message id) has been asked to pause: Redis only, so
    safe from any thread, and cheap enough to ask between page actions. A signal meant for an
    earlier run of the task (another message id) does not count."""
    try:
        value = _client().get(PAUSE_SIGNAL_KEY.format(task_id=task_id))
    except redis.RedisError:
        return False
    return value is not None and value.decode() == message_id


# --- Yielding ---------------------------------------------------------------------------------


PAUSED_FOR_APPROVED_WORK = "paused for approved work; resumes from its checkpoint"
PAUSED_FOR_STOP = "paused: its worker is stopping; resumes from its checkpoint"


def task_pause(
    *,
    task: ApplicationTask,
    yield_to: list[int] | None = None,
    reason: str = PAUSED_FOR_APPROVED_WORK,
) -> ApplicationTask:
    """Yield the slot to approved work: RUNNING → QUEUED with priority 100, re-published under a
    new message id, keeping the checkpoint and the (user, posting) lock.

    `yield_to`: the user's approved tasks this task yields its session to (it resumes once they
    are submitted), as the step boundary read them; looked up when not given."""
    if yield_to is None:
        yield_to = statements.read_submits_under_way(task.user_id)
    # Yielding is not a failed attempt: a task paused again and again still resumes.
    task.attempts = max(0, task.attempts - 1)
    try:
        task_requeue(
            task,
            transition="requeue",
            actor=WORKER_ACTOR,
            reason=reason,
            boost=True,
            yield_to=yield_to,
            guard={"celery_task_id": task.celery_task_id},
        )
    except ConcurrentTransition as error:
        raise TaskLost(f"Task {task.pk} is no longer running.") from error
    announce_slot_freed(task.user_id)
    return task


def task_wait_for_session(task: ApplicationTask) -> None:
    """Wait until the user's running work has yielded the session this submit needs: asked to
    pause, it yields at its next step boundary; after PREEMPT_GRACE_SECONDS it is revoked, and
    after as long again the submit goes ahead regardless (a stuck browser must not hold an
    approved application back)."""
    grace = settings.PREEMPT_GRACE_SECONDS
    deadline = time.monotonic() + grace
    revoked = False
    while True:
        holders = task_ask_session_holders_to_pause(task=task)
        if not holders:
            return
        remaining = deadline - time.monotonic()
        if remaining > 0:
            wait_for_slot_freed(task.user_id, remaining)
            continue
        if revoked:
            logger.warning("task %s: submitting while the user's slot is still held", task.pk)
            return
        for holder in holders:
            logger.info("revoking task %s (message %s)", holder.pk, holder.celery_task_id)
            dispatch.interrupt(holder.celery_task_id)
        revoked = True
        deadline = time.monotonic() + grace


# --- Wake-ups ---------------------------------------------------------------------------------


@functools.cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def announce_slot_freed(user_id: int) -> None:
    """Wake a submit of this user waiting for a session (task_wait_for_session)."""
    _wake(SLOT_FREED_KEY.format(user_id=user_id))


def announce_submit_ended(user_id: int) -> None:
    """Wake a paused task of this user waiting for their submit to end before it resumes."""
    _wake(SUBMIT_ENDED_KEY.format(user_id=user_id))


def announce_on_commit(announce, user_id: int) -> None:
    transaction.on_commit(lambda: announce(user_id))


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
