"""The one failure path of a task, and the one attempt limit."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from applications import statements
from applications.models import ApplicationTask, TaskState
from applications.services.locks import application_release
from applications.services.preemption import (
    announce_on_commit,
    announce_slot_freed,
    announce_submit_ended,
)
from applications.services.transitions import WORKER_ACTOR, task_transition

# Why a worker takes up again a task whose message it already had: the worker running it was
# lost (the message redelivered), or the message was retried after a database error (a retry
# is a delivery of the same message as far as the row can tell; the Celery task says which).
REDELIVERED = "redelivered: the worker running it was lost"
RETRIED = "retried after an error on its database connection"

# A submit whose click may or may not have reached the site, and the site cannot tell.
OUTCOME_UNKNOWN = (
    "Submission outcome unknown: the site could not tell whether the application was "
    "received. Check it on the job site."
)
# The states a worker's message may leave a task in when it ends on an error.
_LEFT_BY_A_WORKER = (TaskState.RUNNING, TaskState.APPROVED, TaskState.SUBMITTING)


def attempt_limit_reached(attempt: int) -> bool:
    """Whether attempt number `attempt` (1 for the first) is past TASK_MAX_ATTEMPTS: a task
    redelivered without end (a worker killed again and again, a submit that never returns)
    fails instead of looping."""
    return attempt > settings.TASK_MAX_ATTEMPTS


def task_fail(
    *, task: ApplicationTask, reason: str, actor: str = WORKER_ACTOR, release: bool = True
) -> ApplicationTask:
    """Fail the task, whatever state short of final it is in, with `reason` as its last error,
    and give its user's session back. `release=False` keeps the (user, posting) lock: after an
    unknown submit outcome, nothing may apply to the posting again until a person has looked.
    A task already final is left as it is."""
    with transaction.atomic():
        current = statements.read_locked(task.pk)
        if current is None or current.is_final:
            return current or task
        if current.state == TaskState.RUNNING and current.celery_task_id == task.celery_task_id:
            # The steps this worker noted and had not written yet (task_note_step).
            current.checkpoint = task.checkpoint
        submit_ends = current.state in statements.SUBMIT_STATES
        task_transition(task=current, transition="fail", actor=actor, reason=reason)
        if release:
            application_release(task=current)
        # A paused task of the user waits for the submit to end; a submit, for the slot.
        announce_on_commit(
            announce_submit_ended if submit_ends else announce_slot_freed, task.user_id
        )
    return current


def task_give_up(
    *,
    task: ApplicationTask,
    attempts: int,
    why: str,
    actor: str = WORKER_ACTOR,
    release: bool = True,
) -> ApplicationTask:
    """Fail a task past its attempt limit, in the one wording."""
    return task_fail(
        task=task, reason=f"Gave up after {attempts} attempts: {why}.", actor=actor, release=release
    )


def task_fail_after_error(*, task_id: int, message_id: str, reason: str) -> ApplicationTask | None:
    """A worker's message ended on an error (its retries ran out, or nothing expected it): the
    task fails now if its row is still this message's and in a state a worker leaves it in,
    instead of waiting for the stale sweep. A SUBMITTING task's click may have happened: it
    fails as an unknown outcome and keeps its lock for a person to check. Returns the failed
    task, or None when it was left alone (a QUEUED one was never claimed: the reconciliation
    sweep publishes it again)."""
    task = ApplicationTask.objects.filter(pk=task_id, celery_task_id=message_id).first()
    if task is None or task.state not in _LEFT_BY_A_WORKER:
        return None
    submitting = task.state == TaskState.SUBMITTING
    if submitting:
        reason = f"{OUTCOME_UNKNOWN} ({reason})"
    return task_fail(task=task, reason=reason, release=not submitting)
