"""The task actions of the admin (cancel, retry, resume, boost), run through the changelist as a
staff member would: each calls its service, a refused one says so and changes nothing, and only
those who may change tasks are offered them."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client

from applications.models import ApplicationTask, TaskEvent, TaskPriority, TaskState
from tests.factories import RunFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/applications/applicationtask/"


@pytest.fixture
def task(owner):
    return TaskFactory(run=RunFactory(user=owner))


def in_state(task: ApplicationTask, state: str) -> ApplicationTask:
    ApplicationTask.objects.filter(pk=task.pk).update(state=state)
    return ApplicationTask.objects.get(pk=task.pk)


def run_action(client: Client, action: str, *tasks: ApplicationTask):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [task.pk for task in tasks]},
        follow=True,
    )


def messages_of(response) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]


def test_cancelling_a_queued_task_cancels_it_and_writes_the_event(admin_client, task):
    response = run_action(admin_client, "cancel_tasks", task)

    assert response.status_code == 200
    assert messages_of(response) == [("info", "Cancel: 1 task(s).")]
    assert ApplicationTask.objects.get(pk=task.pk).state == TaskState.CANCELLED
    event = TaskEvent.objects.get(task=task)
    assert (event.transition, event.from_state, event.to_state, event.actor) == (
        "cancel",
        TaskState.QUEUED,
        TaskState.CANCELLED,
        "admin",
    )


def test_retrying_a_failed_task_queues_it_from_the_start(admin_client, task):
    ApplicationTask.objects.filter(pk=task.pk).update(
        state=TaskState.FAILED, checkpoint={"step": "fill"}, attempts=3, last_error="timeout"
    )

    run_action(admin_client, "retry_tasks", task)

    task = ApplicationTask.objects.get(pk=task.pk)
    assert (task.state, task.checkpoint, task.attempts, task.last_error) == (
        TaskState.QUEUED,
        {},
        0,
        "",
    )
    event = TaskEvent.objects.get(task=task)
    assert (event.transition, event.from_state, event.actor) == ("retry", TaskState.FAILED, "admin")


def test_resuming_a_failed_task_queues_it_boosted_from_its_checkpoint(admin_client, task):
    ApplicationTask.objects.filter(pk=task.pk).update(
        state=TaskState.FAILED, checkpoint={"step": "fill"}
    )

    run_action(admin_client, "resume_tasks", task)

    task = ApplicationTask.objects.get(pk=task.pk)
    assert (task.state, task.priority, task.checkpoint) == (
        TaskState.QUEUED,
        TaskPriority.BOOSTED,
        {"step": "fill"},
    )
    assert TaskEvent.objects.get(task=task).transition == "resume"


def test_boosting_a_queued_task_raises_its_priority(admin_client, task):
    run_action(admin_client, "boost_tasks", task)

    task = ApplicationTask.objects.get(pk=task.pk)
    assert (task.state, task.priority) == (TaskState.QUEUED, TaskPriority.BOOSTED)
    event = TaskEvent.objects.get(task=task)
    assert (event.transition, event.actor) == ("boost", "admin")


def test_an_action_the_state_refuses_warns_and_changes_nothing(admin_client, task):
    in_state(task, TaskState.SUBMITTED)

    response = run_action(admin_client, "cancel_tasks", task)

    assert messages_of(response) == [
        ("warning", f"Could not cancel task(s) {task.pk} (Submitted): not allowed in that state.")
    ]
    assert ApplicationTask.objects.get(pk=task.pk).state == TaskState.SUBMITTED
    assert not TaskEvent.objects.exists()


def test_boosting_a_running_task_warns_and_changes_nothing(admin_client, task):
    in_state(task, TaskState.RUNNING)

    response = run_action(admin_client, "boost_tasks", task)

    assert messages_of(response) == [
        ("warning", f"Could not boost task(s) {task.pk} (Running): not allowed in that state.")
    ]
    task = ApplicationTask.objects.get(pk=task.pk)
    assert (task.state, task.priority) == (TaskState.RUNNING, TaskPriority.NORMAL)
    assert not TaskEvent.objects.exists()


def test_an_action_on_several_tasks_does_those_it_may_and_names_the_others(admin_client, task):
    submitted = in_state(TaskFactory(run=task.run), TaskState.SUBMITTED)

    response = run_action(admin_client, "cancel_tasks", task, submitted)

    refusal = f"Could not cancel task(s) {submitted.pk} (Submitted): not allowed in that state."
    assert sorted(messages_of(response)) == [("info", "Cancel: 1 task(s)."), ("warning", refusal)]
    assert ApplicationTask.objects.get(pk=task.pk).state == TaskState.CANCELLED
    assert ApplicationTask.objects.get(pk=submitted.pk).state == TaskState.SUBMITTED


@pytest.fixture
def viewer_client(db) -> Client:
    """A staff member who may look at tasks but not change them."""
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_applicationtask"))
    client = Client()
    client.force_login(viewer)
    return client


def test_a_staff_member_who_may_only_view_tasks_is_offered_no_action(viewer_client, task):
    response = viewer_client.get(CHANGELIST)

    assert response.status_code == 200
    assert 'name="action"' not in response.content.decode()


def test_a_staff_member_who_may_only_view_tasks_cannot_cancel_one(viewer_client, task):
    run_action(viewer_client, "cancel_tasks", task)

    assert ApplicationTask.objects.get(pk=task.pk).state == TaskState.QUEUED
    assert not TaskEvent.objects.exists()
