"""What a submit message's claim decides, and what it costs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import ApplicationTask, TaskState
from applications.services.submitting import SubmitNext, task_claim_submit
from tests.factories import TaskFactory


@pytest.mark.django_db
def test_a_submit_is_claimed_in_two_statements():
    task = TaskFactory(state=TaskState.APPROVED, celery_task_id="submit-1")

    with CaptureQueriesContext(connection) as queries:
        claim = task_claim_submit(task_id=task.pk, message_id="submit-1")

    assert claim.next == SubmitNext.CLICK
    assert len(queries) == 2  # the read, then SUBMITTING with its event
    stored = ApplicationTask.objects.get(pk=task.pk)
    assert (stored.state, stored.submit_attempts) == (TaskState.SUBMITTING, 1)


@pytest.mark.django_db
def test_a_submit_whose_users_session_is_held_waits_for_it():
    task = TaskFactory(state=TaskState.APPROVED, celery_task_id="submit-1")
    TaskFactory(state=TaskState.RUNNING, run=task.run)

    claim = task_claim_submit(task_id=task.pk, message_id="submit-1")

    assert claim.next == SubmitNext.WAIT_FOR_SESSION
    assert ApplicationTask.objects.get(pk=task.pk).state == TaskState.APPROVED


@pytest.mark.django_db
def test_a_submit_found_submitting_asks_the_site_first_and_counts_an_attempt():
    task = TaskFactory(state=TaskState.SUBMITTING, celery_task_id="submit-2", submit_attempts=1)

    claim = task_claim_submit(task_id=task.pk, message_id="submit-2")

    assert claim.next == SubmitNext.CHECK_SITE
    assert ApplicationTask.objects.get(pk=task.pk).submit_attempts == 2
    assert task.events.filter(transition="submit_attempt").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("message_id", ["", "submit-old"])
def test_a_submit_message_that_is_not_the_rows_is_dropped(message_id):
    task = TaskFactory(state=TaskState.APPROVED, celery_task_id="submit-new")

    assert task_claim_submit(task_id=task.pk, message_id=message_id) is None
    assert ApplicationTask.objects.get(pk=task.pk).state == TaskState.APPROVED


@pytest.mark.django_db
def test_a_waiting_task_is_never_claimed_by_a_message_with_no_id():
    task = TaskFactory(state=TaskState.QUEUED)  # waits for its user's session: no message id
    from applications.services.preparing import task_claim_prepare

    assert task_claim_prepare(task_id=task.pk, message_id="") is None
    assert ApplicationTask.objects.get(pk=task.pk).state == TaskState.QUEUED
