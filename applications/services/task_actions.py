"""What a user (or an operator, through the admin) may do to a task: cancel, retry, resume,
boost."""

from __future__ import annotations

from django.db import transaction

from applications import statements
from applications.exceptions import TaskActionNotAllowed
from applications.models import WAITING, ApplicationTask, TaskPriority, TaskState
from applications.services.locks import application_release
from applications.services.preemption import announce_on_commit, announce_submit_ended
from applications.services.queueing import task_requeue
from applications.services.transitions import task_record_event, task_transition
from applications.signals import task_cancelled
from config import dispatch


def task_cancel(*, task: ApplicationTask, actor: str, reason: str = "") -> ApplicationTask:
    """Cancel a task that has not started submitting, and give its lock back."""
    was_approved = task.state == TaskState.APPROVED
    with transaction.atomic():
        task_transition(task=task, transition="cancel", actor=actor, reason=reason)
        application_release(task=task)
        task_cancelled.send(sender=ApplicationTask, task=task, actor=actor, reason=reason)
        if was_approved:
            # A paused task of the user waits for this approved one to be over.
            announce_on_commit(announce_submit_ended, task.user_id)
    return task


def task_retry(*, task: ApplicationTask, actor: str) -> ApplicationTask:
    """Start a failed or expired task over, behind the user's session like new work."""
    return task_requeue(task, transition="retry", actor=actor, reason="retried by user", waits=True)


def task_resume(*, task: ApplicationTask, actor: str) -> ApplicationTask:
    """Continue a failed task from its checkpoint, ahead of the user's normal work."""
    return task_requeue(
        task, transition="resume", actor=actor, reason="resumed by user", waits=True
    )


def task_boost(*, task: ApplicationTask, actor: str) -> ApplicationTask:
    """Move a queued task ahead of normal work. Not a change of state, but written down as one
    event all the same, so that the task's history says why it jumped the line."""
    message_id = dispatch.new_message_id()
    with transaction.atomic():
        # Conditional UPDATEs: a task claimed meanwhile is not boosted behind the worker's back.
        # A published task's boosted message replaces the normal one, which the worker will
        # drop; a task waiting for its user's session becomes the next of theirs to go.
        queued = ApplicationTask.objects.filter(pk=task.pk, state=TaskState.QUEUED)
        boosted = queued.exclude(celery_task_id=WAITING).update(
            priority=TaskPriority.BOOSTED, celery_task_id=message_id
        )
        published = boosted == 1
        if not published:
            boosted = queued.filter(celery_task_id=WAITING).update(priority=TaskPriority.BOOSTED)
        if boosted != 1:
            current = statements.read_locked(task.pk)
            raise TaskActionNotAllowed(
                f"Only a queued task can be boosted; this one is {current.get_state_display()}."
            )
        task_record_event(task=task, name="boost", actor=actor, reason="boosted by user")
        if published:
            dispatch.publish_prepare([(task.pk, message_id, TaskPriority.BOOSTED)])
    return ApplicationTask.objects.select_related("job").get(pk=task.pk)
