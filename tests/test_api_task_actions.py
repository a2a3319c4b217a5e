"""Cancel, retry, resume and boost a task; refused actions answer 409 and change nothing."""

import pytest

from applications.models import (
    Application,
    ApplicationStatus,
    ApplicationTask,
    TaskEvent,
    TaskPriority,
    TaskState,
)
from applications.services import application_claim
from tests.factories import RunFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(owner):
    return TaskFactory(run=RunFactory(user=owner))


def test_cancelling_a_running_task_releases_its_lock(owner_client, task):
    ApplicationTask.objects.filter(pk=task.pk).update(state=TaskState.RUNNING)
    task.refresh_from_db()
    application_claim(user=task.user, job=task.job, task=task)

    response = owner_client.post(f"/api/tasks/{task.pk}/cancel/")

    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    assert Application.objects.get(user=task.user, job=task.job).status == ApplicationStatus.PENDING
    event = TaskEvent.objects.get(task=task)
    assert (event.transition, event.actor) == ("cancel", "owner")


def test_boosting_a_queued_task_raises_its_priority(owner_client, task):
    response = owner_client.post(f"/api/tasks/{task.pk}/boost/")

    assert response.status_code == 200
    assert response.json()["priority"] == TaskPriority.BOOSTED
    assert TaskEvent.objects.get(task=task).transition == "boost"


def test_boosting_a_running_task_is_refused(owner_client, task):
    ApplicationTask.objects.filter(pk=task.pk).update(state=TaskState.RUNNING)

    response = owner_client.post(f"/api/tasks/{task.pk}/boost/")

    assert response.status_code == 409
    assert response.json()["error"] == "transition_not_allowed"
    assert ApplicationTask.objects.get(pk=task.pk).priority == TaskPriority.NORMAL
    assert not TaskEvent.objects.exists()


@pytest.mark.parametrize("action", ["retry", "resume"])
def test_a_failed_task_goes_back_to_the_queue(owner_client, task, action):
    ApplicationTask.objects.filter(pk=task.pk).update(state=TaskState.FAILED)

    response = owner_client.post(f"/api/tasks/{task.pk}/{action}/")

    assert response.status_code == 200
    assert response.json()["state"] == "queued"


@pytest.mark.parametrize("action", ["cancel", "retry", "resume"])
def test_an_action_the_state_does_not_allow_answers_409_and_changes_nothing(
    owner_client, task, action
):
    ApplicationTask.objects.filter(pk=task.pk).update(state=TaskState.SUBMITTED)

    response = owner_client.post(f"/api/tasks/{task.pk}/{action}/")

    assert response.status_code == 409
    assert response.json()["error"] == "transition_not_allowed"
    assert "submitted" in response.json()["detail"].lower()
    assert ApplicationTask.objects.get(pk=task.pk).state == TaskState.SUBMITTED
    assert not TaskEvent.objects.exists()
