"""A worker process killed mid-task: its prepare is recovered and completes once."""

import os
import signal
import time

from applications.models import ApplicationTask, TaskState
from applications.services import tasks_recover_stale

from .conftest import wait_until
from .helpers import (
    assert_resumed_once_then_submitted_once,
    make_user,
    queue_tasks,
    urls,
    wait_for_state,
)

STEPS = ["open", "login", "fill", "answer", "review"]


def test_a_worker_process_killed_mid_task_is_recovered_and_completes_once(engine, settings):
    user, client = make_user("fay")
    [task] = queue_tasks(user, urls("theta", 1), simulate={"steps": STEPS, "step_seconds": 1.0})
    wait_until(
        lambda: len(ApplicationTask.objects.get(pk=task.pk).checkpoint.get("steps_done", [])) >= 1,
        message="the task is under way",
    )
    message_id = ApplicationTask.objects.get(pk=task.pk).celery_task_id
    pid = wait_until(
        lambda: next(
            (
                running["worker_pid"]
                for running in engine.active_on("main")
                if running["id"] == message_id
            ),
            None,
        ),
        message="the worker process running the task",
    )
    assert len(ApplicationTask.objects.get(pk=task.pk).checkpoint["steps_done"]) < len(STEPS)

    os.kill(pid, signal.SIGKILL)

    # Celery redelivers the message (late ack, reject on worker lost). Billiard does not when
    # the process was once the target of a revoke (it then counts any death as that revoke);
    # the stale sweep is the net for that case.
    try:
        task = wait_for_state(task, TaskState.PENDING_APPROVAL, timeout=15)
    except AssertionError:
        settings.STALE_TASK_SECONDS = 1
        time.sleep(1.5)
        assert tasks_recover_stale()["requeued"] == 1
        task = wait_for_state(task, TaskState.PENDING_APPROVAL, timeout=30)
    assert_resumed_once_then_submitted_once(task, client, STEPS)
