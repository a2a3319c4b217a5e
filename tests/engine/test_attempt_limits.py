"""A task redelivered again and again fails at TASK_MAX_ATTEMPTS instead of looping; pauses are
not failed attempts. In-process: the worker's services, no worker needed."""

from applications.models import Application, ApplicationTask, TaskState
from applications.services import task_pause
from applications.services.preparing import task_claim_prepare

from .helpers import queue_tasks, urls

INSTANT = {"steps": ["open", "fill"], "step_seconds": 0}


def test_a_message_redelivered_again_and_again_fails_at_the_attempt_limit(db, owner, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    [task] = queue_tasks(owner, urls("xi", 1), simulate=INSTANT)

    # Each delivery finds the task RUNNING under the same message: its worker died.
    for attempt in (1, 2, 3):
        claimed = task_claim_prepare(task_id=task.pk, message_id=task.celery_task_id)
        assert claimed is not None
        assert ApplicationTask.objects.get(pk=task.pk).attempts == attempt
    assert task_claim_prepare(task_id=task.pk, message_id=task.celery_task_id) is None

    task.refresh_from_db()
    assert task.state == TaskState.FAILED
    assert "Gave up after 3 attempts" in task.last_error
    assert not Application.objects.filter(job=task.job, status="in_progress").exists()


def test_a_task_paused_more_often_than_the_attempt_limit_still_resumes(db, owner, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    [task] = queue_tasks(owner, urls("omicron", 1), simulate=INSTANT)

    for _ in range(5):
        message_id = ApplicationTask.objects.values_list("celery_task_id", flat=True).get(
            pk=task.pk
        )
        claimed = task_claim_prepare(task_id=task.pk, message_id=message_id)
        assert claimed is not None
        task_pause(task=claimed)

    message_id = ApplicationTask.objects.values_list("celery_task_id", flat=True).get(pk=task.pk)
    claimed = task_claim_prepare(task_id=task.pk, message_id=message_id)
    assert claimed is not None
    stored = ApplicationTask.objects.get(pk=task.pk)
    assert (stored.state, stored.attempts) == (TaskState.RUNNING, 1)


def test_a_queued_task_past_the_attempt_limit_fails_instead_of_running(db, owner, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    [task] = queue_tasks(owner, urls("pi", 1), simulate=INSTANT)
    ApplicationTask.objects.filter(pk=task.pk).update(attempts=3)

    assert task_claim_prepare(task_id=task.pk, message_id=task.celery_task_id) is None

    task.refresh_from_db()
    assert task.state == TaskState.FAILED
    assert "Gave up after 3 attempts" in task.last_error
