"""What a worker does with a prepare or a submit message. The Celery tasks only call these."""

from __future__ import annotations

import logging
import time

from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from applications import slots
from applications.models import ApplicationTask, TaskState
from applications.services import (
    SubmitUnderWay,
    TaskLost,
    session_slot_holders,
    task_claim_message,
    task_claim_submit,
    task_fail,
    task_pause,
    task_pause_requested,
    task_prepared,
    task_start_submit,
    task_step_done,
    task_step_noted,
    task_submitted,
)
from approvals.services import approval_new
from config import dispatch
from workers.drivers import StepFailed, get_driver
from workers.interrupts import interrupts_allowed, interrupts_deferred

logger = logging.getLogger(__name__)

# Longest a paused task waits for its user's submit before it resumes regardless.
RESUME_WAIT_SECONDS = 60.0

OUTCOME_UNKNOWN = (
    "Submission outcome unknown: the site could not tell whether the application was "
    "received. Check it on the job site."
)


def prepare_application(*, task_id: int, message_id: str) -> str:
    """Claim the task, run its remaining steps (the checkpoint says which are done), and stop
    before the final click with an approval request. Between steps: checkpoint, heartbeat, and
    a look for a pause request, in one statement; a step that ends within
    CHECKPOINT_MIN_INTERVAL_SECONDS of the last write is written with the next one (the last
    step with PENDING_APPROVAL). Returns what happened, for the log."""
    driver = get_driver()
    with interrupts_deferred():
        task = _claim_after_submits(task_id=task_id, message_id=message_id)
        if task is None:
            return "dropped"
        done = set(task.checkpoint.get("steps_done", []))
        remaining = [step for step in driver.steps(task) if step not in done]
        position = 0
        written_at = time.monotonic()
        while position < len(remaining):
            step = remaining[position]
            try:
                with interrupts_allowed():
                    values = driver.run_step(task, step)
            except SoftTimeLimitExceeded:
                # A revoke's signal. It may be meant for a task this process ran before.
                if task_pause_requested(task=task):
                    return _pause(task)
                logger.warning("task %s: an interrupt not meant for it; redoing %s", task_id, step)
                continue
            except StepFailed as error:
                task_fail(task=task, reason=str(error))
                return "failed"
            except Exception as error:
                logger.exception("task %s: step %s raised", task_id, step)
                task_fail(task=task, reason=f"Step {step!r} failed: {error}")
                return "failed"
            position += 1
            if position == len(remaining) or (
                time.monotonic() - written_at < settings.CHECKPOINT_MIN_INTERVAL_SECONDS
            ):
                # Written with the next write: PENDING_APPROVAL for the last step.
                task_step_noted(task=task, step=step, values=values)
                continue
            try:
                yield_to = task_step_done(task=task, step=step, values=values)
            except TaskLost:
                return "lost"
            written_at = time.monotonic()
            if yield_to is not None:
                return _pause(task, yield_to)
        approval, _ = approval_new(task=task)
        try:
            task_prepared(task=task, approval=approval)
        except TaskLost:
            return "lost"
    return "prepared"


def _claim_after_submits(*, task_id: int, message_id: str) -> ApplicationTask | None:
    """Claim the task; a paused one whose user's submit is under way waits here, holding its
    slot, until that submit is over (woken at once when it ends), so that it resumes after the
    approved work and before fresh work. After RESUME_WAIT_SECONDS it claims regardless."""
    deadline = time.monotonic() + RESUME_WAIT_SECONDS
    while True:
        try:
            return task_claim_message(
                task_id=task_id,
                message_id=message_id,
                after_submits=time.monotonic() < deadline,
            )
        except SubmitUnderWay as busy:
            slots.wait_for_submit_ended(busy.user_id, deadline - time.monotonic())


def _pause(task: ApplicationTask, yield_to: list[int] | None = None) -> str:
    try:
        task_pause(task=task, yield_to=yield_to)
    except TaskLost:
        return "lost"
    return "paused"


def submit_application(*, task_id: int, message_id: str) -> str:
    """The final click, at most once. SUBMITTING is committed before the click; a task found
    already SUBMITTING (redelivered, or re-published by the stale sweep) first asks the site
    whether the application exists, and fails for a person to check when the site cannot tell.
    Interrupts wait until the click is recorded."""
    driver = get_driver()
    with interrupts_deferred():
        claim = task_claim_submit(task_id=task_id, message_id=message_id)
        if claim is None:
            return "dropped"
        task = claim.task
        try:
            if task.state == TaskState.APPROVED:
                wait_for_session_slot(task)
                task = task_start_submit(task=task)
            elif not claim.started:
                outcome = driver.was_submitted(task)
                if outcome is True:
                    task_submitted(task=task)
                    return "submitted (found on the site)"
                if outcome is None:
                    task_fail(task=task, reason=OUTCOME_UNKNOWN, release=False)
                    return "outcome unknown"
            driver.submit(task)
            task_submitted(task=task)
        except TaskLost:
            return "lost"
    return "submitted"


def wait_for_session_slot(task: ApplicationTask) -> None:
    """Until the user's running work has yielded the session slot this submit needs: asked to
    pause, it yields at its next step boundary; after PREEMPT_GRACE_SECONDS it is revoked, and
    after as long again the submit goes ahead regardless (a stuck browser must not hold an
    approved application back)."""
    grace = settings.PREEMPT_GRACE_SECONDS
    deadline = time.monotonic() + grace
    revoked = False
    while True:
        holders = session_slot_holders(task=task)
        if not holders:
            return
        remaining = deadline - time.monotonic()
        if remaining > 0:
            slots.wait_for_slot_freed(task.user_id, remaining)
            continue
        if revoked:
            logger.warning("task %s: submitting while the user's slot is still held", task.pk)
            return
        for holder in holders:
            logger.info("revoking task %s (message %s)", holder.pk, holder.celery_task_id)
            dispatch.interrupt(holder.celery_task_id)
        revoked = True
        deadline = time.monotonic() + grace
