"""Which running work an approval asks to pause, and what it costs to find out."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import ApplicationTask, TaskState
from applications.services import task_pause, task_request_pause_for
from applications.services.preparing import task_record_step
from tests.factories import TaskFactory, UserFactory


def running_tasks_of_others(count: int) -> list[ApplicationTask]:
    return [TaskFactory(state=TaskState.RUNNING, run__user=UserFactory()) for _ in range(count)]


@pytest.mark.django_db
@pytest.mark.parametrize("others", [1, 6])
def test_an_approval_asks_its_users_running_task_to_pause_and_nobody_elses(others):
    approved = TaskFactory(state=TaskState.APPROVED)
    own = TaskFactory(state=TaskState.RUNNING, run=approved.run)
    running_tasks_of_others(others)

    with CaptureQueriesContext(connection) as queries:
        asked = task_request_pause_for(task=approved)

    # One read of the running tasks and one write of the pause request, however many run.
    assert len(queries) == 2
    assert [task.pk for task in asked] == [own.pk]
    paused = ApplicationTask.objects.filter(pause_requested_at__isnull=False)
    assert list(paused.values_list("pk", flat=True)) == [own.pk]


@pytest.mark.django_db
def test_approvals_beyond_the_reserve_ask_one_more_running_task_to_pause():
    running_tasks_of_others(3)
    first = TaskFactory(state=TaskState.APPROVED)
    assert task_request_pause_for(task=first) == []  # the reserve slot takes one approval

    second = TaskFactory(state=TaskState.APPROVED)
    asked = task_request_pause_for(task=second)

    assert len(asked) == 1
    assert asked[0].user_id not in (first.user_id, second.user_id)
    assert ApplicationTask.objects.filter(pause_requested_at__isnull=False).count() == 1


def test_a_read_that_leaves_out_the_state_is_refused(db):
    from core import rows

    with pytest.raises(ValueError, match="must select state"):
        rows.read(ApplicationTask, "SELECT id FROM applications_applicationtask", [])


@pytest.mark.django_db
def test_a_step_boundary_returns_the_approved_work_to_yield_to_only_when_asked_to_pause():
    running = TaskFactory(state=TaskState.RUNNING, celery_task_id="message-1")
    approved = TaskFactory(state=TaskState.APPROVED, run=running.run)
    TaskFactory(state=TaskState.APPROVED)  # another user's: not this task's to yield to

    assert task_record_step(task=running, step="open", values={}) is None

    task_request_pause_for(task=approved)
    assert task_record_step(task=running, step="login", values={}) == [approved.pk]
    task_pause(task=running, yield_to=[approved.pk])

    running.refresh_from_db()
    assert running.state == TaskState.QUEUED
    assert running.yield_to == [approved.pk]
    assert running.checkpoint["steps_done"] == ["open", "login"]
