"""The fan-out publish: a hand-out of more than FAN_OUT_ABOVE messages is published by one
maintenance task (workers.publish_prepare_messages), not by the request that queued the work,
and that task publishes only what is still to be prepared."""

import pytest
from django.db.models import Count

from applications.models import WAITING, TaskEvent, TaskPriority, TaskState
from applications.selectors import tasks_prepare_messages
from config import dispatch
from tests.factories import RunFactory, TaskFactory

from .helpers import make_user, messages_in, queue_tasks, step_log, urls, wait_for_state

STEPS = ["open", "fill"]
INSTANT = {"steps": STEPS, "step_seconds": 0}


def test_a_hand_out_of_many_messages_goes_through_one_maintenance_task_and_each_is_prepared_once(
    engine, settings
):
    settings.MAX_SESSIONS_PER_USER = 1000
    postings = dispatch.FAN_OUT_ABOVE + 10
    user, _ = make_user("ivy")

    # Nobody takes the messages while the test looks at what the ingestion published.
    with engine.paused({"main": ["default"], "maintenance": ["maintenance"]}):
        tasks = queue_tasks(user, urls("omega", postings), simulate=INSTANT)

        assert messages_in("default") == []
        [publish] = messages_in("maintenance")
        assert publish["task"] == dispatch.PUBLISH_TASK
        assert sorted(publish["args"][0]) == sorted(task.pk for task in tasks)

    for task in tasks:
        wait_for_state(task, TaskState.PENDING_APPROVAL)
    claims = dict(
        TaskEvent.objects.filter(task__in=tasks, transition="claim")
        .values_list("task_id")
        .annotate(count=Count("id"))
    )
    assert claims == {task.pk: 1 for task in tasks}
    assert all(step_log(task) == STEPS for task in tasks)


@pytest.mark.django_db
def test_the_fan_out_publishes_only_tasks_still_queued_with_a_message():
    run = RunFactory()
    queued = TaskFactory(run=run, celery_task_id="message-1")
    boosted = TaskFactory(run=run, celery_task_id="message-2", priority=TaskPriority.BOOSTED)
    waiting = TaskFactory(run=run, celery_task_id=WAITING)
    claimed = TaskFactory(run=run, state=TaskState.RUNNING, celery_task_id="message-3")
    prepared = TaskFactory(run=run, state=TaskState.PENDING_APPROVAL, celery_task_id="message-4")
    TaskFactory(run=run, celery_task_id="message-5")  # queued, but not asked for

    messages = tasks_prepare_messages(
        task_ids=[queued.pk, boosted.pk, waiting.pk, claimed.pk, prepared.pk]
    )

    assert sorted(messages) == sorted(
        [
            (queued.pk, "message-1", TaskPriority.NORMAL),
            (boosted.pk, "message-2", TaskPriority.BOOSTED),
        ]
    )
