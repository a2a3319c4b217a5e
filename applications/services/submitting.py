"""The worker's side of submitting an approved task: the final click, at most once.

SUBMITTING is committed before the click, and every write of a submit is made only while the
row carries the submit's message id: a submit taken over by another message (the stale sweep's
site check) can no longer record anything. While the click runs, the heartbeat goes on, so
that the stale sweep never takes a live submit for a dead one; the submit task's hard time
limit (SUBMIT_TIME_LIMIT_SECONDS, well under STALE_TASK_SECONDS) ends a click that hangs
before the sweep could look. A task found SUBMITTING again is never clicked blindly: the site
is asked first (DESIGN.md, "Duplicate protection", point 5).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from applications import statements
from applications.exceptions import TaskLost
from applications.models import ApplicationTask, TaskState
from applications.services.failures import RETRIED, attempt_limit_reached, task_give_up
from applications.services.locks import application_held_by, application_mark_applied_for
from applications.services.preemption import announce_submit_ended
from applications.services.transitions import (
    WORKER_ACTOR,
    task_record_event,
    task_transition_as_worker,
)
from config import dispatch

logger = logging.getLogger(__name__)


class SubmitNext(enum.Enum):
    """What a worker does with a submit message it has claimed."""

    # This claim recorded SUBMITTING: nothing can have been clicked yet; click.
    CLICK = "click"
    # Still APPROVED: the user's session is held by running work; wait for it, then start.
    WAIT_FOR_SESSION = "wait_for_session"
    # Found SUBMITTING already (a redelivery, a retry, the stale sweep's message): an earlier
    # attempt may have clicked; ask the site first.
    CHECK_SITE = "check_site"


@dataclass(frozen=True)
class SubmitClaim:
    task: ApplicationTask
    next: SubmitNext


def task_claim_submit(
    *, task_id: int, message_id: str, retried: bool = False
) -> SubmitClaim | None:
    """Check a submit message against its row, and say what comes next; None when the message
    is to be dropped (superseded, or the task is no longer on its way to the click). An approved
    task whose user has a session free goes to SUBMITTING at once; of two deliveries of one
    message only one starts. A task found SUBMITTING again counts another submit attempt (an
    event row, which says when the message is `retried` after a database error), and fails past
    TASK_MAX_ATTEMPTS."""
    task = statements.read_for_submit_claim(task_id)
    if task is None or not message_id or task.celery_task_id != message_id:
        logger.info("dropped a superseded submit message %s for task %s", message_id, task_id)
        return None
    if task.state == TaskState.APPROVED:
        if task.running_for_user >= settings.MAX_SESSIONS_PER_USER:
            return SubmitClaim(task=task, next=SubmitNext.WAIT_FOR_SESSION)
        try:
            task_start_submit(task=task)
        except TaskLost:
            logger.info(
                "dropped a submit message %s for task %s: changed meanwhile", message_id, task_id
            )
            return None
        return SubmitClaim(task=task, next=SubmitNext.CLICK)
    if task.state == TaskState.SUBMITTING:
        return _claim_submit_again(task_id=task_id, message_id=message_id, retried=retried)
    logger.info("dropped a submit message for task %s, now %s", task_id, task.state)
    return None


def _claim_submit_again(*, task_id: int, message_id: str, retried: bool) -> SubmitClaim | None:
    """A submit message for a task already SUBMITTING: another attempt, an event of its own."""
    with transaction.atomic():
        task = statements.read_locked(task_id)
        if task is None or task.celery_task_id != message_id or task.state != TaskState.SUBMITTING:
            logger.info("dropped a submit message %s for task %s", message_id, task_id)
            return None
        attempt = task.submit_attempts + 1
        if attempt_limit_reached(attempt):
            task_give_up(
                task=task,
                attempts=task.submit_attempts,
                why="the submit never ended",
                release=False,
            )
            return None
        ApplicationTask.objects.filter(pk=task.pk, celery_task_id=message_id).update(
            submit_attempts=attempt, heartbeat_at=timezone.now()
        )
        task.submit_attempts = attempt
        why = f" ({RETRIED})" if retried else ""
        _submit_event(task, f"submit attempt {attempt}{why}: the site is asked before any click")
    return SubmitClaim(task=task, next=SubmitNext.CHECK_SITE)


def _submit_event(task: ApplicationTask, reason: str) -> None:
    task_record_event(task=task, name="submit_attempt", actor=WORKER_ACTOR, reason=reason)


def task_start_submit(*, task: ApplicationTask) -> ApplicationTask:
    """APPROVED → SUBMITTING while the row is this message's, recorded (committed) before the
    final click: the one way a submit starts."""
    try:
        task_transition_as_worker(task, "start_submit")
    except ConcurrentTransition as error:
        raise TaskLost(f"Task {task.pk} is no longer approved under this message.") from error
    return task


def task_mark_submitted(*, task: ApplicationTask) -> ApplicationTask:
    """SUBMITTING → SUBMITTED while the row is this message's, and the (user, posting) record
    becomes APPLIED: usually the task holds its lock, and both are one statement."""
    applied = application_held_by(task)
    try:
        task_transition_as_worker(task, "mark_submitted", along=applied)
    except ConcurrentTransition as error:
        raise TaskLost(f"Task {task.pk} is no longer submitting under this message.") from error
    # A paused task of the user waits for this submit to end before it resumes.
    announce_submit_ended(task.user_id)
    if not applied.matched:
        application_mark_applied_for(task=task)
    return task


def task_submit_interrupted(*, task: ApplicationTask, error: Exception) -> bool:
    """The click raised: whether it reached the site is unknown. The submit is handed at once
    to a new message, which asks the site before any new click (and counts as an attempt);
    False when the row was no longer this submit's."""
    message_id = dispatch.new_message_id()
    with transaction.atomic():
        taken = ApplicationTask.objects.filter(
            pk=task.pk, state=TaskState.SUBMITTING, celery_task_id=task.celery_task_id
        ).update(celery_task_id=message_id, heartbeat_at=timezone.now())
        if not taken:
            return False
        _submit_event(task, f"the click raised ({error}); the site is asked before any new click")
        dispatch.publish_submit(task.pk, message_id)
    task.celery_task_id = message_id
    return True
