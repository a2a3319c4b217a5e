"""A pause request is mirrored in Redis once committed, for the run asked (its message id) and no
other: a browser step looks for it between page actions without the database."""

import pytest

from applications.models import TaskState
from applications.services import task_request_pause_for
from applications.services.preemption import pause_signalled
from tests.factories import TaskFactory


@pytest.mark.django_db(transaction=True)
def test_the_run_asked_to_pause_sees_the_signal_and_a_later_run_does_not():
    approved = TaskFactory(state=TaskState.APPROVED)
    running = TaskFactory(state=TaskState.RUNNING, run=approved.run, celery_task_id="run-1")
    other = TaskFactory(state=TaskState.RUNNING, celery_task_id="run-9")

    assert not pause_signalled(task_id=running.pk, message_id="run-1")
    task_request_pause_for(task=approved)

    assert pause_signalled(task_id=running.pk, message_id="run-1")
    # The same task resumed later under a new message was not asked.
    assert not pause_signalled(task_id=running.pk, message_id="run-2")
    assert not pause_signalled(task_id=other.pk, message_id="run-9")


@pytest.mark.django_db(transaction=True)
def test_nothing_is_signalled_for_a_request_rolled_back():
    from django.db import transaction

    approved = TaskFactory(state=TaskState.APPROVED)
    running = TaskFactory(state=TaskState.RUNNING, run=approved.run, celery_task_id="run-1")

    with pytest.raises(RuntimeError), transaction.atomic():
        task_request_pause_for(task=approved)
        raise RuntimeError("the approval failed")

    assert not pause_signalled(task_id=running.pk, message_id="run-1")
