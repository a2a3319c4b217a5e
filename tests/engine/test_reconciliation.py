"""Reconciliation: work the database has queued and the broker does not hold (a message lost, a
hand-out that never ran) is published again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import WAITING, ApplicationTask, TaskState
from applications.services import tasks_reconcile_queued
from config import dispatch
from tests.factories import TaskFactory, UserFactory

from .conftest import redis_client
from .helpers import make_user, messages_in, queue_tasks, urls, wait_for_state

INSTANT = {"steps": ["open", "fill"], "step_seconds": 0}


def test_a_queued_task_whose_message_the_broker_lost_is_published_again(engine, settings):
    user, _ = make_user("hal")
    # `main` stops consuming default for a moment, so that the message can be lost for real.
    with engine.paused({"main": ["default"]}):
        [task] = queue_tasks(user, urls("kappa", 1), simulate=INSTANT)
        assert task.celery_task_id in [message["id"] for message in messages_in("default")]
        redis_client().delete("default", "default:3", "default:6", "default:9")
        ApplicationTask.objects.filter(pk=task.pk).update(
            queued_at=timezone.now() - timedelta(hours=1)
        )
        in_broker = dispatch.queued_message_ids("default")
        assert task.celery_task_id not in in_broker

        assert tasks_reconcile_queued(broker_message_ids=in_broker) == 1
        assert (
            tasks_reconcile_queued(broker_message_ids=dispatch.queued_message_ids("default")) == 0
        )

    wait_for_state(task, TaskState.PENDING_APPROVAL)


@pytest.mark.django_db
def test_reconciliation_publishes_work_left_waiting_with_no_session_in_use(settings):
    settings.RECONCILE_AFTER_SECONDS = 60
    long_ago = timezone.now() - timedelta(minutes=5)
    left = TaskFactory(queued_at=long_ago)
    busy_user = UserFactory()
    TaskFactory(run__user=busy_user, state=TaskState.RUNNING, celery_task_id="message-1")
    behind_a_session = TaskFactory(run__user=busy_user, queued_at=long_ago)
    just_queued = TaskFactory()

    assert tasks_reconcile_queued(broker_message_ids={"message-1"}) == 1

    for task in (left, behind_a_session, just_queued):
        task.refresh_from_db()
    assert left.celery_task_id != WAITING
    assert behind_a_session.celery_task_id == WAITING
    assert just_queued.celery_task_id == WAITING
