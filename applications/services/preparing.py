"""The worker's side of preparing a task: claim its prepare message, record each step, and stop
at PENDING_APPROVAL.

A prepare or submit message names a task and carries a message id. The row remembers the id of
its one live message (`celery_task_id`); a message whose id is not the row's — superseded by a
pause, a boost, a retry or a reconciliation — or that finds the row in another state is dropped,
logged. An empty id is never a message's: it marks a task waiting for its user's session.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django_fsm import ConcurrentTransition

from applications import statements
from applications.exceptions import DuplicateApplication, SubmitUnderWay, TaskLost
from applications.models import ApplicationTask, TaskState
from applications.services.failures import (
    REDELIVERED,
    RETRIED,
    attempt_limit_reached,
    task_give_up,
)
from applications.services.locks import application_claim
from applications.services.preemption import announce_on_commit, announce_slot_freed
from applications.services.transitions import (
    WORKER_ACTOR,
    task_transition,
    task_transition_as_worker,
)
from jobs.services import job_posting_name_from_page

logger = logging.getLogger(__name__)


def _is_current(task: ApplicationTask | None, message_id: str) -> bool:
    return task is not None and bool(message_id) and task.celery_task_id == message_id


def task_claim_prepare(
    *, task_id: int, message_id: str, after_submits: bool = True, retried: bool = False
) -> ApplicationTask | None:
    """Claim a prepare message's task: QUEUED → RUNNING with its (user, posting) lock, in one
    UPDATE conditional on the state and the message id as read, so of two deliveries of one
    message only one claims. A message for a task still RUNNING under its id (its worker died,
    or the message is retried after a database error: `retried`) claims it again from its
    checkpoint, until TASK_MAX_ATTEMPTS; past that the task fails instead of looping. Returns
    None when the message is to be dropped.

    `after_submits`: a paused task whose user's approved tasks it yielded to (`yield_to`) are
    not all submitted raises SubmitUnderWay instead of taking the session those submits need;
    the caller waits and claims again."""
    task = statements.read_for_prepare_claim(task_id)
    if not _is_current(task, message_id):
        logger.info("dropped a superseded prepare message %s for task %s", message_id, task_id)
        return None
    if task.state == TaskState.RUNNING:
        return _claim_again(task_id=task_id, message_id=message_id, retried=retried)
    if task.state != TaskState.QUEUED:
        logger.info("dropped a prepare message for task %s, now %s", task_id, task.state)
        return None
    if after_submits and task.submit_under_way:
        raise SubmitUnderWay(task.user_id)
    lock = statements.application_lock_upsert(task)
    try:
        task_transition_as_worker(task, "claim", along=lock)
    except ConcurrentTransition:
        logger.info(
            "dropped a prepare message %s for task %s: changed meanwhile", message_id, task_id
        )
        return None
    return _after_claim(task, lock)


def _claim_again(*, task_id: int, message_id: str, retried: bool) -> ApplicationTask | None:
    """A message for a task RUNNING under its id: its worker was lost, or it is retried."""
    with transaction.atomic():
        task = statements.read_locked(task_id)
        if not _is_current(task, message_id) or task.state != TaskState.RUNNING:
            logger.info("dropped a redelivered prepare message %s for task %s", message_id, task_id)
            return None
        why = RETRIED if retried else REDELIVERED
        if attempt_limit_reached(task.attempts + 1):
            task_give_up(task=task, attempts=task.attempts, why=why)
            return None
        task_transition(task=task, transition="requeue", actor=WORKER_ACTOR, reason=why)
        task_transition(task=task, transition="claim", actor=WORKER_ACTOR)
        return _after_claim(task)


def _after_claim(task: ApplicationTask, lock: Any = None) -> ApplicationTask | None:
    """A task just claimed: failed past its attempt limit, else given its (user, posting) lock,
    or SKIPPED when someone else has it. `lock`: the lock's upsert, when it was made along with
    the claim."""
    if attempt_limit_reached(task.attempts):
        task_give_up(task=task, attempts=task.attempts - 1, why="it never finished")
        return None
    if lock is None:
        lock = statements.application_lock_upsert(task)
        lock.execute()
    if lock.matched:
        return task
    try:
        with transaction.atomic():
            application_claim(user=task.user, job=task.job, task=task)
    except (DuplicateApplication, ConcurrentTransition) as error:
        detail = getattr(error, "detail", "another worker took the posting first")
        task_transition(task=task, transition="skip", actor=WORKER_ACTOR, reason=str(detail))
        return None
    return task


def task_note_step(
    *,
    task: ApplicationTask,
    step: str,
    values: dict[str, Any],
    checkpoint: dict[str, Any] | None = None,
) -> None:
    """Add a finished step to the task's checkpoint in memory only: the next write of the row
    (a step boundary, PENDING_APPROVAL, a pause, a failure) records it. `values` are merged
    into the checkpoint's values; the `checkpoint` keys the step sets replace theirs."""
    task_note_progress(task=task, values=values, checkpoint=checkpoint)
    task.checkpoint["steps_done"] = [*task.checkpoint.get("steps_done", []), step]


def task_note_progress(
    *, task: ApplicationTask, values: dict[str, Any], checkpoint: dict[str, Any] | None = None
) -> None:
    """A step's progress so far (it stopped early, to pause or to wait for the person), in
    memory only, as task_note_step records a finished one; the step is not marked done."""
    merged = {**task.checkpoint, **(checkpoint or {})}
    merged["values"] = {**task.checkpoint.get("values", {}), **values}
    task.checkpoint = merged


def task_record_step(
    *,
    task: ApplicationTask,
    step: str,
    values: dict[str, Any],
    checkpoint: dict[str, Any] | None = None,
) -> list[int] | None:
    """Record a finished step, and any noted before it: checkpoint and heartbeat, in one
    statement. Returns None, or, when the task has been asked to pause, the user's approved
    tasks it yields to (for task_pause). Raises TaskLost when the row is no longer this
    worker's."""
    task_note_step(task=task, step=step, values=values, checkpoint=checkpoint)
    now = timezone.now()
    row = statements.write_step_boundary(task, checkpoint=task.checkpoint, now=now)
    if row is None:
        raise TaskLost(f"Task {task.pk} is no longer running under message {task.celery_task_id}.")
    pause_requested, yield_to = row
    task.heartbeat_at = now
    task.remember_stored({"checkpoint": task.checkpoint, "heartbeat_at": now})
    return yield_to if pause_requested else None


def task_mark_prepared(*, task: ApplicationTask, records: list[Model]) -> ApplicationTask:
    """Every step done: RUNNING → PENDING_APPROVAL while the row is still this worker's, with
    its approval request and the rows that go with it (built by the approvals app: its links,
    its audit row) inserted and the user's next waiting task given the session back, in the
    same statement."""
    return _give_session_back(task, "prepared", records)


def task_hand_off(*, task: ApplicationTask, records: list[Any], reason: str) -> ApplicationTask:
    """A step needs the person (a code, a CAPTCHA, a login): RUNNING → WAITING_FOR_PERSON while
    the row is still this worker's, its checkpoint (the step's progress, the `handoff` asked)
    and the approvals app's rows written, and the user's next waiting task given the session,
    in the same statement, as when a task is prepared: a person may take minutes to answer,
    and neither the worker's slot nor the session is kept for them."""
    return _give_session_back(task, "hand_off", records, reason=reason)


def _give_session_back(
    task: ApplicationTask, transition: str, records: list[Any], reason: str = ""
) -> ApplicationTask:
    next_task = statements.HandOut(user_id=task.user_id, leaving=task.pk)
    try:
        task_transition_as_worker(task, transition, along=[*records, next_task], reason=reason)
    except ConcurrentTransition as error:
        raise TaskLost(
            f"Task {task.pk} is no longer running under message {task.celery_task_id}."
        ) from error
    announce_on_commit(announce_slot_freed, task.user_id)
    return task


def task_name_posting_from_page(*, task: ApplicationTask) -> None:
    """The posting takes the company and title its page showed the driver
    (`checkpoint["posting"]`), in place of what its link suggested: the review page, the
    dashboard and the checks before the click then speak of the job as its site does. Nothing
    is written when the page said nothing new."""
    shown = task.checkpoint.get("posting") or {}
    company, title = str(shown.get("company") or ""), str(shown.get("title") or "")
    known = (getattr(task, "job_company", None), getattr(task, "job_title", None))
    if (company or title) and (company, title) != known:
        job_posting_name_from_page(job_id=task.job_id, company=company, title=title)
