"""A task back into the queue: paused, found stale, retried or resumed."""

from __future__ import annotations

from typing import Any

from applications.models import WAITING, ApplicationTask
from applications.services import sessions
from applications.services.transitions import task_transition
from config import dispatch


def task_requeue(
    task: ApplicationTask,
    *,
    transition: str,
    actor: str,
    reason: str,
    waits: bool = False,
    **arguments: Any,
) -> ApplicationTask:
    """A transition into QUEUED. A task that held its user's session (paused, or found stale)
    keeps it: a fresh message id on the row, the message published on commit. `waits`: a task
    queued again by its user waits for a free session of theirs, like newly ingested work. Any
    older message for the task is dropped by the worker, since its id no longer matches."""
    task.celery_task_id = WAITING if waits else dispatch.new_message_id()
    task_transition(task=task, transition=transition, actor=actor, reason=reason, **arguments)
    if waits:
        sessions.hand_out_on_commit(task.user_id)
    else:
        dispatch.publish_prepare([(task.pk, task.celery_task_id, task.priority)])
    return task
