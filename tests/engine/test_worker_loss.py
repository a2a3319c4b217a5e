"""A worker lost mid-task: its prepare completes once all the same, through Celery's redelivery
when the worker's main process is left to reject the message, through the stale sweep when the
message went down with the whole worker. Both run on a worker of their own (conftest's
fresh_worker says why), and check the simulated site's step log: no step is done twice but the
one in flight when the worker was lost."""

import os
import signal
from datetime import timedelta

from django.utils import timezone

from applications.models import ApplicationTask, TaskEvent, TaskState
from applications.services import tasks_recover_stale
from applications.services.preparing import REDELIVERED
from applications.services.transitions import SWEEPER_ACTOR, WORKER_ACTOR

from .conftest import FRESH_WORKER, wait_until
from .helpers import (
    assert_resumed_once_then_submitted_once,
    events,
    make_user,
    messages_in,
    queue_tasks,
    unacked_message_ids,
    urls,
    wait_for_state,
)

STEPS = ["open", "login", "fill", "answer", "review"]
# Long enough to be killed between its first and its last step.
SLOW = {"steps": STEPS, "step_seconds": 0.8}


def _under_way(task: ApplicationTask) -> ApplicationTask:
    wait_until(
        lambda: len(ApplicationTask.objects.get(pk=task.pk).checkpoint.get("steps_done", [])) >= 1,
        message="the task is under way",
    )
    return ApplicationTask.objects.get(pk=task.pk)


def _is_gone(pid: int) -> bool:
    """The process has exited (a zombie not yet reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_a_pool_process_killed_mid_prepare_has_its_message_redelivered_and_completes_once(
    fresh_worker,
):
    """The worker's main process sees its pool process die (WorkerLostError) and, with
    task_reject_on_worker_lost, puts the message back; the redelivered message claims the task
    again from its checkpoint. The stale sweep is not run (nor is beat): the row's own events say
    the redelivery did it."""
    user, client = make_user("fay")
    [task] = queue_tasks(user, urls("theta", 1), simulate=SLOW)
    task = _under_way(task)
    [pid] = fresh_worker.pool_pids(FRESH_WORKER)

    os.kill(pid, signal.SIGKILL)

    wait_until(lambda: _is_gone(pid), message=f"pool process {pid} did not die")
    done = ApplicationTask.objects.get(pk=task.pk).checkpoint["steps_done"]
    assert 1 <= len(done) < len(STEPS)  # killed mid-task
    task = wait_for_state(task, TaskState.PENDING_APPROVAL)
    [redelivered] = events(task, "requeue")
    assert (redelivered.actor, redelivered.reason) == (WORKER_ACTOR, REDELIVERED)
    task = assert_resumed_once_then_submitted_once(task, client, STEPS)
    assert not TaskEvent.objects.filter(task=task, actor=SWEEPER_ACTOR).exists()


def test_a_worker_killed_with_its_message_is_recovered_by_the_stale_sweep_and_completes_once(
    fresh_worker, settings
):
    """The whole worker, main process and pool process, is killed at once: nobody is left to
    reject the message, which stays delivered and unacknowledged in Redis until the visibility
    timeout (hours). The stale sweep requeues the task from its checkpoint; a worker started
    again resumes it."""
    user, client = make_user("hal")
    [task] = queue_tasks(user, urls("kappa", 1), simulate=SLOW)
    task = _under_way(task)
    message_id = task.celery_task_id

    fresh_worker.kill(FRESH_WORKER)

    lost = ApplicationTask.objects.get(pk=task.pk)
    assert (lost.state, lost.celery_task_id) == (TaskState.RUNNING, message_id)
    assert 1 <= len(lost.checkpoint["steps_done"]) < len(STEPS)  # killed mid-task
    # The message went down with the worker: delivered, never acknowledged, not queued again.
    assert message_id in unacked_message_ids()
    assert [message["id"] for message in messages_in("default")] == []

    settings.STALE_TASK_SECONDS = 1
    wait_until(
        lambda: ApplicationTask.objects.filter(
            pk=task.pk,
            heartbeat_at__lt=timezone.now() - timedelta(seconds=settings.STALE_TASK_SECONDS),
        ).exists(),
        message="the lost task's heartbeat never went stale",
    )
    assert tasks_recover_stale()["requeued"] == 1
    fresh_worker.restart(FRESH_WORKER)

    task = wait_for_state(task, TaskState.PENDING_APPROVAL)
    [recovered] = events(task, "requeue")
    assert recovered.actor == SWEEPER_ACTOR
    assert recovered.reason.startswith("stale:")
    assert_resumed_once_then_submitted_once(task, client, STEPS)
    assert not TaskEvent.objects.filter(task=task, reason=REDELIVERED).exists()
