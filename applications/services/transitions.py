"""The one way a task changes state, and the table of its transitions."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone
from django_fsm import ConcurrentTransition

from applications import statements
from applications.models import ApplicationTask, TaskEvent, TaskState
from applications.services import sessions
from core import events

logger = logging.getLogger(__name__)

# Who makes a change that no person asked for (TaskEvent.actor).
WORKER_ACTOR = "system:worker"
SWEEPER_ACTOR = "system:sweeper"

# The table of transitions: each is a django-fsm @transition method of ApplicationTask (its
# source and target states are declared there), by name.
TASK_TRANSITIONS = {
    transition.name: transition
    for transition in ApplicationTask._meta.get_field("state").get_all_transitions(ApplicationTask)
}

# The states in which a task holds one of its user's sessions, or has a message that will take
# one: running, or queued with a message (the models' HOLDS_SESSION).
SESSION_STATES = frozenset({TaskState.QUEUED, TaskState.RUNNING})


def task_transition(
    *,
    task: ApplicationTask,
    transition: str,
    actor: str = "system",
    reason: str = "",
    guard: dict[str, Any] | None = None,
    along: statements.Along | list[statements.Along] | None = None,
    **arguments: Any,
) -> ApplicationTask:
    """The django-fsm transition, a time stamp and one event row, written in one statement.
    Raises TransitionNotAllowed when the state does not allow it and ConcurrentTransition when
    another writer changed the state since it was loaded, or when a `guard` column (such as the
    message id a worker holds) no longer has the given value. `along`: writes that belong to the
    new state, made in the same statement: a new row (the approval request of a prepared task),
    a rows.ConditionalUpdate of another row (the duplicate lock of a submitted task), a
    rows.Upsert (the duplicate lock of a claimed task), or a statements.HandOut (the user's
    next waiting task, when this one gives its session back)."""
    if transition not in TASK_TRANSITIONS:
        raise ValueError(f"Unknown task transition {transition!r}.")
    from_state = task.state
    getattr(task, transition)(**arguments)
    task.state_changed_at = timezone.now()
    if transition == "fail" and reason:
        task.last_error = reason
    event = TaskEvent(
        task_id=task.pk,
        from_state=from_state,
        to_state=task.state,
        transition=transition,
        actor=actor,
        reason=reason,
    )
    alongside = [] if along is None else along if isinstance(along, list) else [along]
    if not statements.write_transition(
        task, from_state=from_state, guard=guard or {}, event=event, alongside=alongside
    ):
        raise ConcurrentTransition(
            f"Task {task.pk} is no longer {from_state} as loaded; another writer changed it."
        )
    _log_change(task, from_state, transition, actor, reason)
    events.task_changed(task, from_state=from_state)
    handed_out = [write for write in alongside if isinstance(write, statements.HandOut)]
    for write in handed_out:
        sessions.publish_handed_out(write)
    if from_state in SESSION_STATES and task.state not in SESSION_STATES and not handed_out:
        # The task no longer holds (or waits for) one of its user's sessions: the user's next
        # waiting task may go, once this change is committed.
        sessions.hand_out_on_commit(task.user_id)
    return task


def _log_change(
    task: ApplicationTask, from_state: str, transition: str, actor: str, reason: str
) -> None:
    """One line per change of state, with its fields."""
    logger.info(
        "task %s: %s -> %s",
        task.pk,
        from_state,
        task.state,
        extra={
            "task_id": task.pk,
            "from_state": from_state,
            "to_state": task.state,
            "transition": transition,
            "actor": actor,
            "reason": reason,
        },
    )


def task_record_event(*, task: ApplicationTask, name: str, actor: str, reason: str) -> None:
    """An event row for a change that is not a change of state (a boost, another submit
    attempt), so that the task's history says what happened and why."""
    TaskEvent.objects.create(
        task=task,
        from_state=task.state,
        to_state=task.state,
        transition=name,
        actor=actor,
        reason=reason,
    )


def task_transition_as_worker(task: ApplicationTask, transition: str, **arguments: Any) -> None:
    """A worker's transition, made only while the row still carries the message id the worker
    was given (ConcurrentTransition otherwise). An empty message id is never the worker's: it
    is the mark of a task waiting for a session (WAITING), which no message may claim."""
    if not task.celery_task_id:
        raise ConcurrentTransition(f"Task {task.pk} has no message; no worker may change it.")
    task_transition(
        task=task,
        transition=transition,
        actor=WORKER_ACTOR,
        guard={"celery_task_id": task.celery_task_id},
        **arguments,
    )
