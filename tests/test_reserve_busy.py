"""A reserve slot busy with a submit is not free: an approval then makes running work yield."""

import pytest

from applications.models import ApplicationTask, TaskState
from applications.services import task_request_pause_for
from tests.factories import TaskFactory, UserFactory


def running_tasks_of_others(count: int) -> list[ApplicationTask]:
    return [TaskFactory(state=TaskState.RUNNING, run__user=UserFactory()) for _ in range(count)]


@pytest.mark.django_db
def test_an_approval_while_the_reserve_runs_a_submit_asks_one_running_task_to_pause(settings):
    settings.RESERVE_SLOTS = 1
    running_tasks_of_others(2)
    TaskFactory(state=TaskState.SUBMITTING)  # a slow submit holds the reserve slot
    approved = TaskFactory(state=TaskState.APPROVED)

    asked = task_request_pause_for(task=approved)

    assert len(asked) == 1
    assert asked[0].user_id != approved.user_id
    paused = ApplicationTask.objects.filter(pause_requested_at__isnull=False)
    assert list(paused.values_list("pk", flat=True)) == [asked[0].pk]


@pytest.mark.django_db
def test_an_approval_with_the_reserve_free_asks_nobody_to_pause(settings):
    settings.RESERVE_SLOTS = 2
    running_tasks_of_others(2)
    TaskFactory(state=TaskState.SUBMITTING)  # one of the two reserve slots is busy
    approved = TaskFactory(state=TaskState.APPROVED)

    assert task_request_pause_for(task=approved) == []
    assert not ApplicationTask.objects.filter(pause_requested_at__isnull=False).exists()
