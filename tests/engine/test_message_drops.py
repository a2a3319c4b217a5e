"""A message that is no longer its task's (superseded, or for a task that has moved on or waits
for a session) does nothing. In-process: the worker's services against the real database and
Redis, no worker needed."""

import pytest

from applications.models import ApplicationTask, TaskState
from applications.services import task_cancel, task_transition
from tests.factories import TaskFactory
from workers.services import prepare_application, submit_application

from .helpers import clicks, queue_tasks, step_log, urls

INSTANT = {"steps": ["open", "fill"], "step_seconds": 0}


def test_a_message_for_a_cancelled_task_does_nothing(db, owner):
    [task] = queue_tasks(owner, urls("lambda", 1), simulate=INSTANT)
    task_cancel(task=task, actor="owner")

    assert prepare_application(task_id=task.pk, message_id=task.celery_task_id) == "dropped"

    task.refresh_from_db()
    assert task.state == TaskState.CANCELLED
    assert step_log(task) == []


def test_a_superseded_message_does_nothing(db, owner):
    [task] = queue_tasks(owner, urls("mu", 1), simulate=INSTANT)

    assert prepare_application(task_id=task.pk, message_id="an-older-message") == "dropped"

    task.refresh_from_db()
    assert task.state == TaskState.QUEUED


def test_a_message_for_a_submitted_task_does_nothing(db, owner):
    [task] = queue_tasks(owner, urls("nu", 1), simulate=INSTANT)
    assert prepare_application(task_id=task.pk, message_id=task.celery_task_id) == "prepared"
    task = ApplicationTask.objects.get(pk=task.pk)
    task.celery_task_id = "submit-1"
    ApplicationTask.objects.filter(pk=task.pk).update(celery_task_id="submit-1")
    task_transition(task=task, transition="approve", actor="test")
    assert submit_application(task_id=task.pk, message_id="submit-1") == "submitted"

    assert submit_application(task_id=task.pk, message_id="submit-1") == "dropped"
    assert prepare_application(task_id=task.pk, message_id="submit-1") == "dropped"
    assert clicks(task) == 1


@pytest.mark.django_db
def test_a_message_for_a_waiting_task_is_dropped():
    waiting = TaskFactory()

    assert prepare_application(task_id=waiting.pk, message_id="an-old-message") == "dropped"
    waiting.refresh_from_db()
    assert waiting.state == TaskState.QUEUED
