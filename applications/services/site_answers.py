"""What the job site answers before any click: its session ended (the task EXPIRES, to be retried
once the user has signed in again), or the application exists already (the task is SKIPPED, and
the (user, posting) record is marked applied so that ingestion skips the posting from now on).
The one way a prepare or a submit ends without submitting and without failing."""

from __future__ import annotations

from django.db import transaction
from django_fsm import ConcurrentTransition

from applications.exceptions import TaskLost
from applications.models import ApplicationTask, TaskState
from applications.services.locks import (
    application_held_by,
    application_mark_applied_for,
    application_release,
)
from applications.services.preemption import (
    announce_on_commit,
    announce_slot_freed,
    announce_submit_ended,
)
from applications.services.transitions import task_transition_as_worker

SESSION_EXPIRED = "The job site's session ended, nothing was submitted: {detail}"
APPLIED_ON_SITE = "Already applied on the job site: {detail}"


def task_end_unsubmitted(
    *, task: ApplicationTask, transition: str, reason: str, applied: bool = False
) -> ApplicationTask:
    """End a running or submitting task that made no click: `transition` ("expire" or "skip"),
    with `reason` as its event's and its card's (`last_error`), while the row is still the
    worker's (TaskLost otherwise). Its (user, posting) lock is given back, or, `applied`, becomes
    APPLIED in the same statement. The user's waiters are woken: a submit waiting for the
    session, a paused task waiting for the submit to end."""
    submit_ends = task.state in (TaskState.APPROVED, TaskState.SUBMITTING)
    task.last_error = reason
    with transaction.atomic():
        held = application_held_by(task) if applied else None
        try:
            task_transition_as_worker(task, transition, reason=reason, along=held)
        except ConcurrentTransition as error:
            raise TaskLost(f"Task {task.pk} is no longer this worker's.") from error
        if held is None:
            application_release(task=task)
        elif not held.matched:
            application_mark_applied_for(task=task)
        announce_on_commit(
            announce_submit_ended if submit_ends else announce_slot_freed, task.user_id
        )
    return task


def task_expire_site_session(*, task: ApplicationTask, detail: str) -> ApplicationTask:
    """The site's session ended in a step or before the click (SiteSessionExpired)."""
    return task_end_unsubmitted(
        task=task, transition="expire", reason=SESSION_EXPIRED.format(detail=detail)
    )


def task_skip_applied_on_site(*, task: ApplicationTask, detail: str) -> ApplicationTask:
    """The site says this application exists (AlreadyAppliedOnSite), in its words."""
    return task_end_unsubmitted(
        task=task,
        transition="skip",
        reason=APPLIED_ON_SITE.format(detail=detail),
        applied=True,
    )
