"""What a worker does with a prepare or a submit message. The Celery tasks only call these; the
rules they follow are in applications.services (preparing, preemption, submitting)."""

from __future__ import annotations

import logging
import time

from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from applications.exceptions import SubmitUnderWay, TaskLost
from applications.models import ApplicationTask
from applications.services.failures import OUTCOME_UNKNOWN, task_fail, task_fail_after_error
from applications.services.heartbeat import task_heartbeat_while_clicking
from applications.services.pacing import task_take_site_turn
from applications.services.preemption import (
    PAUSED_FOR_APPROVED_WORK,
    PAUSED_FOR_STOP,
    task_pause,
    task_pause_requested,
    task_wait_for_session,
    wait_for_submit_ended,
)
from applications.services.preparing import (
    task_claim_prepare,
    task_name_posting_from_page,
    task_note_progress,
    task_note_step,
    task_record_step,
)
from applications.services.rechecks import task_recheck_before_click
from applications.services.reposts import task_note_repost
from applications.services.site_answers import task_expire_site_session, task_skip_applied_on_site
from applications.services.submitting import (
    SubmitClaim,
    SubmitNext,
    task_claim_submit,
    task_mark_submitted,
    task_start_submit,
    task_submit_interrupted,
)
from approvals.services import approval_ask_person, approval_request_open
from workers.drivers import (
    AlreadyAppliedOnSite,
    NeedsPerson,
    SiteSessionExpired,
    StepFailed,
    StepYielded,
    get_driver,
)
from workers.interrupts import (
    WorkerStopping,
    interrupts_allowed,
    interrupts_deferred,
    stop_requested,
)

logger = logging.getLogger(__name__)

# Longest a paused task waits for its user's submit before it resumes regardless.
RESUME_WAIT_SECONDS = 60.0


def prepare_application(*, task_id: int, message_id: str, retried: bool = False) -> str:
    """Claim the task, run its remaining steps (the checkpoint says which are done), and stop
    before the final click with an approval request. Returns what happened, for the log."""
    driver = get_driver()
    with interrupts_deferred():
        task = _claim_after_submits(task_id=task_id, message_id=message_id, retried=retried)
        if task is None:
            return "dropped"
        try:
            if task_take_site_turn(task=task) is not None:
                return "waiting for its site"
        except TaskLost:
            return "lost"
        try:
            outcome = _run_steps(driver, task)
        finally:
            driver.finish(task)
        if outcome is not None:
            return outcome
        task_name_posting_from_page(task=task)
        task_note_repost(task=task)
        try:
            approval_request_open(task=task)
        except TaskLost:
            return "lost"
    return "prepared"


def _run_steps(driver, task: ApplicationTask) -> str | None:
    """The task's remaining steps. Between steps: checkpoint, heartbeat, and a look for a pause
    request, in one statement; a step that ends within CHECKPOINT_MIN_INTERVAL_SECONDS of the
    last write is written with the next one (the last step with PENDING_APPROVAL). A worker
    asked to stop (SIGTERM, Ctrl-C) pauses the task at once, the step under way to be redone
    (workers.interrupts). Returns None
    when every step is done, else how the task left (paused, failed, lost)."""
    done = set(task.checkpoint.get("steps_done", []))
    remaining = [step for step in driver.steps(task) if step not in done]
    position = 0
    written_at = time.monotonic()
    while position < len(remaining):
        step = remaining[position]
        try:
            with interrupts_allowed():
                result = driver.run_step(task, step)
        except StepYielded as yielded:
            task_note_progress(task=task, **_as_progress(yielded.progress))
            return _pause(task)
        except NeedsPerson as need:
            # The step's progress (its screenshot, the browser's storage state) is written with
            # the hand-off; the step is redone from it once the person has answered.
            task_note_progress(task=task, **_as_progress(need.progress))
            return _ask_person(task, step, need)
        except (SiteSessionExpired, AlreadyAppliedOnSite) as answer:
            return _site_answered(task, answer)
        except WorkerStopping:
            return _pause(task, reason=PAUSED_FOR_STOP)
        except SoftTimeLimitExceeded:
            # A revoke's signal. It may be meant for a task this process ran before.
            if task_pause_requested(task=task):
                return _pause(task)
            logger.warning("task %s: an interrupt not meant for it; redoing %s", task.pk, step)
            continue
        except Exception as error:
            if not isinstance(error, StepFailed):
                logger.exception("task %s: step %s raised", task.pk, step)
                error = f"Step {step!r} failed: {error}"
            task_fail(task=task, reason=str(error))
            return "failed"
        position += 1
        last = position == len(remaining)
        done = {"task": task, "step": step, **_as_progress(result)}
        if not last and stop_requested():
            # The stop came after the step, or its driver ignored the interruption.
            task_note_step(**done)
            return _pause(task, reason=PAUSED_FOR_STOP)
        if last or time.monotonic() - written_at < settings.CHECKPOINT_MIN_INTERVAL_SECONDS:
            # Written with the next write: PENDING_APPROVAL for the last step.
            task_note_step(**done)
            continue
        try:
            yield_to = task_record_step(**done)
        except TaskLost:
            return "lost"
        written_at = time.monotonic()
        if yield_to is not None:
            return _pause(task, yield_to)
    return None


def _site_answered(task: ApplicationTask, answer: StepFailed) -> str:
    """The site's session ended (EXPIRED) or the application exists there (SKIPPED, the posting
    marked applied); nothing was clicked."""
    try:
        if isinstance(answer, SiteSessionExpired):
            task_expire_site_session(task=task, detail=str(answer))
            return "expired: the site's session ended"
        task_skip_applied_on_site(task=task, detail=str(answer))
        return "skipped: already applied on the site"
    except TaskLost:
        return "lost"


def _ask_person(task: ApplicationTask, step: str, need: NeedsPerson) -> str:
    try:
        asked = approval_ask_person(task=task, step=step, kind=need.kind, prompt=need.prompt)
    except TaskLost:
        return "lost"
    return "waiting for the person" if asked is not None else "failed"


def _as_progress(result) -> dict:
    return {"values": result.values, "checkpoint": result.checkpoint}


def _claim_after_submits(*, task_id: int, message_id: str, retried: bool) -> ApplicationTask | None:
    """Claim the task; a paused one whose user's submit is under way waits here, holding its
    slot, until that submit is over (woken at once when it ends), so that it resumes after the
    approved work and before fresh work. After RESUME_WAIT_SECONDS, or when the worker is
    stopping, it claims regardless (and a stopping worker then pauses it at once, under a new
    message, rather than leave its message unacknowledged)."""
    deadline = time.monotonic() + RESUME_WAIT_SECONDS
    while True:
        try:
            return task_claim_prepare(
                task_id=task_id,
                message_id=message_id,
                after_submits=time.monotonic() < deadline and not stop_requested(),
                retried=retried,
            )
        except SubmitUnderWay as busy:
            wait_for_submit_ended(busy.user_id, deadline - time.monotonic())


def _pause(
    task: ApplicationTask, yield_to: list[int] | None = None, reason: str = PAUSED_FOR_APPROVED_WORK
) -> str:
    try:
        task_pause(task=task, yield_to=yield_to, reason=reason)
    except TaskLost:
        return "lost"
    return "paused"


def submit_application(*, task_id: int, message_id: str, retried: bool = False) -> str:
    """The final click, at most once (applications.services.submitting says how). Interrupts
    wait until the click is recorded. `retried`: the message is retried after a database
    error."""
    driver = get_driver()
    with interrupts_deferred():
        claim = task_claim_submit(task_id=task_id, message_id=message_id, retried=retried)
        if claim is None:
            return "dropped"
        task = claim.task
        try:
            return _submit(driver, claim)
        finally:
            driver.finish(task)


def _submit(driver, claim: SubmitClaim) -> str:
    task = claim.task
    try:
        if claim.next == SubmitNext.WAIT_FOR_SESSION:
            task_wait_for_session(task)
            task_start_submit(task=task)
        elif claim.next == SubmitNext.CHECK_SITE:
            outcome = driver.was_submitted(task)
            if outcome is True:
                task_mark_submitted(task=task)
                return "submitted (found on the site)"
            if outcome is None:
                task_fail(task=task, reason=OUTCOME_UNKNOWN, release=False)
                return "outcome unknown"
        if task_recheck_before_click(task=task) is not None:
            return "skipped before the click"
        return _click(driver, task)
    except TaskLost:
        return "lost"


def _click(driver, task: ApplicationTask) -> str:
    """The click itself, with the heartbeat going on; a click that raises is handed at once to
    a submit that asks the site first. What the site answers before any click (its session
    ended, the application exists) is not such an error."""
    try:
        with task_heartbeat_while_clicking(task):
            driver.submit(task)
    except (SiteSessionExpired, AlreadyAppliedOnSite) as answer:
        return _site_answered(task, answer)
    except Exception as error:
        logger.exception("task %s: the final click raised", task.pk)
        if not task_submit_interrupted(task=task, error=error):
            return "lost"
        return "click raised; the site is asked next"
    task_mark_submitted(task=task)
    return "submitted"


def record_retries_exhausted(
    *, task_id: int, message_id: str, error: BaseException, retries: int
) -> None:
    """A prepare or submit message retried after database errors gave up (its retries ran out):
    the task fails now, instead of waiting for the stale sweep."""
    _record_failure(
        task_id=task_id,
        message_id=message_id,
        reason=f"Gave up after {retries} retries on database errors; the last: {error}",
    )


def record_unexpected_error(*, task_id: int, message_id: str, error: BaseException) -> None:
    """A prepare or submit message ended on an error nothing expected (not retried): the task
    fails now, instead of waiting for the stale sweep."""
    _record_failure(
        task_id=task_id,
        message_id=message_id,
        reason=f"Ended by an unexpected error: {type(error).__name__}: {error}",
    )


def _record_failure(*, task_id: int, message_id: str, reason: str) -> None:
    try:
        if task_fail_after_error(task_id=task_id, message_id=message_id, reason=reason) is None:
            logger.warning(
                "task %s: message %s ended on an error; the task was no longer its to fail: %s",
                task_id,
                message_id,
                reason,
            )
    except Exception:
        logger.exception("task %s: could not record that it failed (%s)", task_id, reason)
