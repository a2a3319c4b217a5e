"""Approving while the broker is down: the decision is committed, so the answer is 200 and says
the submit is queued; the failed publish is logged once, fast, and the reconciliation sweep
publishes the submit once the broker is back. The broker is a Redis server of the test's own,
stopped for real: killed (connections refused) or frozen (SIGSTOP: connections hang)."""

import logging
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import ApplicationTask, TaskState
from applications.services import tasks_reconcile_queued
from config import dispatch
from tests.brokers import private_broker
from tests.engine.helpers import queue_tasks, urls
from workers.services import prepare_application

INSTANT = {"steps": ["open", "fill"], "step_seconds": 0}
# The longest an approval may take with the broker gone: a frozen broker costs one socket
# timeout (2 s); one that refuses connections, none.
PUBLISH_GIVES_UP_WITHIN_SECONDS = 3


@pytest.fixture
def broker(tmp_path):
    with private_broker(tmp_path) as server:
        yield server


@pytest.fixture
def pending(transactional_db, owner):
    [task] = queue_tasks(owner, urls("broker-down", 1), simulate=INSTANT)
    assert prepare_application(task_id=task.pk, message_id=task.celery_task_id) == "prepared"
    return ApplicationTask.objects.select_related("approval_request").get(pk=task.pk)


@pytest.mark.parametrize("outage", ["killed", "frozen"])
def test_an_approval_while_the_broker_is_down_is_kept_and_its_submit_published_later(
    broker, pending, owner_client, caplog, outage
):
    if outage == "killed":
        broker.kill()
    else:
        broker.freeze()

    with caplog.at_level(logging.ERROR, logger="config.dispatch"):
        started = time.monotonic()
        response = owner_client.post(f"/api/approvals/{pending.approval_request.pk}/approve/")
        elapsed = time.monotonic() - started

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "approved"
    assert body["task_state"] == TaskState.APPROVED
    assert body["submit"] == "queued"
    assert elapsed < PUBLISH_GIVES_UP_WITHIN_SECONDS
    task = ApplicationTask.objects.get(pk=pending.pk)
    assert task.state == TaskState.APPROVED
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert f"the submit message of task {task.pk}" in errors[0].getMessage()

    if outage == "killed":
        broker.start()
    else:
        broker.thaw()
    ApplicationTask.objects.filter(pk=task.pk).update(
        state_changed_at=timezone.now() - timedelta(hours=1)
    )
    in_broker = dispatch.queued_message_ids(dispatch.QUEUE_APPROVALS)
    assert task.celery_task_id not in in_broker

    assert tasks_reconcile_queued(broker_message_ids=in_broker) == 1

    task.refresh_from_db()
    assert dispatch.queued_message_ids(dispatch.QUEUE_APPROVALS) == {task.celery_task_id}
