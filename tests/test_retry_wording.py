"""A message taken up again says why in the task's history: retried after a database error, or
redelivered because the worker running it was lost. The Celery task tells the services which
(its request's retry count); the row alone cannot."""

import pytest

from applications.models import ApplicationTask, TaskState
from applications.services import task_transition
from applications.services.failures import REDELIVERED, RETRIED
from applications.services.preparing import task_claim_prepare
from applications.services.submitting import task_start_submit
from tests.engine.conftest import clear_broker
from tests.engine.helpers import clicks, events, queue_tasks, urls
from workers import tasks
from workers.services import prepare_application, submit_application

INSTANT = {"steps": ["open", "fill"], "step_seconds": 0}
ASKED_FIRST = "the site is asked before any click"


@pytest.fixture(autouse=True)
def clean_simulated_site(db):
    clear_broker()


@pytest.fixture
def running(owner) -> ApplicationTask:
    """A task claimed by its message, whose worker then lost it (or hit a database error)."""
    [task] = queue_tasks(owner, urls("wording", 1), simulate=INSTANT)
    claimed = task_claim_prepare(task_id=task.pk, message_id=task.celery_task_id)
    assert claimed is not None and claimed.state == TaskState.RUNNING
    return claimed


@pytest.fixture
def submitting(owner) -> ApplicationTask:
    """A task SUBMITTING under its submit message, before the click."""
    [task] = queue_tasks(owner, urls("wording-submit", 1), simulate=INSTANT)
    assert prepare_application(task_id=task.pk, message_id=task.celery_task_id) == "prepared"
    ApplicationTask.objects.filter(pk=task.pk).update(celery_task_id="submit-1")
    task = ApplicationTask.objects.get(pk=task.pk)
    task_transition(task=task, transition="approve", actor="test")
    return task_start_submit(task=task)


def test_a_prepare_retried_after_a_database_error_says_so(running):
    result = prepare_application(
        task_id=running.pk, message_id=running.celery_task_id, retried=True
    )

    assert result == "prepared"
    [requeue] = events(running, "requeue")
    assert requeue.reason == RETRIED


def test_a_prepare_redelivered_says_its_worker_was_lost(running):
    result = prepare_application(task_id=running.pk, message_id=running.celery_task_id)

    assert result == "prepared"
    [requeue] = events(running, "requeue")
    assert requeue.reason == REDELIVERED


def test_the_prepare_task_tells_a_retry_from_a_redelivery(running):
    result = tasks.prepare_application.apply(
        args=[running.pk], task_id=running.celery_task_id, retries=1
    )

    assert result.get() == "prepared"
    [requeue] = events(running, "requeue")
    assert requeue.reason == RETRIED


def test_a_submit_retried_after_a_database_error_says_so_in_its_attempt(submitting):
    result = submit_application(task_id=submitting.pk, message_id="submit-1", retried=True)

    assert result == "submitted"
    [attempt] = events(submitting, "submit_attempt")
    assert attempt.reason == f"submit attempt 2 ({RETRIED}): {ASKED_FIRST}"
    assert clicks(submitting) == 1


def test_a_submit_redelivered_does_not_say_it_was_retried(submitting):
    result = submit_application(task_id=submitting.pk, message_id="submit-1")

    assert result == "submitted"
    [attempt] = events(submitting, "submit_attempt")
    assert attempt.reason == f"submit attempt 2: {ASKED_FIRST}"


def test_the_submit_task_tells_a_retry_from_a_redelivery(submitting):
    result = tasks.submit_application.apply(args=[submitting.pk], task_id="submit-1", retries=2)

    assert result.get() == "submitted"
    [attempt] = events(submitting, "submit_attempt")
    assert RETRIED in attempt.reason
