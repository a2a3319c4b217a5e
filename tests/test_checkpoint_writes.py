"""Checkpoint writes: steps of milliseconds are written with the next write (the last with
PENDING_APPROVAL), slower steps each at their boundary, and a failure keeps the steps not yet
written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import ApplicationTask, TaskState
from tests.factories import TaskFactory
from workers.services import prepare_application

STEPS = ["open", "login", "fill", "answer", "review"]


def queued_with(steps_seconds: float) -> ApplicationTask:
    return TaskFactory(
        celery_task_id="message-1",
        checkpoint={"simulate": {"steps": STEPS, "step_seconds": steps_seconds}},
    )


@pytest.mark.django_db
def test_steps_of_milliseconds_are_written_with_pending_approval():
    task = queued_with(0)

    with CaptureQueriesContext(connection) as queries:
        assert prepare_application(task_id=task.pk, message_id="message-1") == "prepared"

    # The claim's read, the claim, the driver's read of the profile it fills in, the approval
    # policy in force (with the user's auto-approve rules: none), and PENDING_APPROVAL with the
    # checkpoint, the approval request, its link, its audit row, the notifications and the
    # audit rows of those sent at once (in the app). No transaction around them.
    statements = [query for query in queries if "SAVEPOINT" not in query["sql"]]
    assert len(statements) == 5
    task.refresh_from_db()
    assert task.state == TaskState.PENDING_APPROVAL
    assert task.checkpoint["steps_done"] == STEPS
    approval = task.approval_request
    assert approval.links.get().user_id == task.user_id
    assert sorted(approval.notifications.values_list("channel", "status", "link__user_id")) == [
        ("email", "pending", task.user_id),
        ("in_app", "sent", task.user_id),
    ]
    assert sorted(approval.audit.values_list("action", flat=True)) == ["created", "notified"]


@pytest.mark.django_db
def test_slower_steps_are_each_written_at_their_boundary(settings):
    settings.CHECKPOINT_MIN_INTERVAL_SECONDS = 0.01
    task = queued_with(0.02)

    with CaptureQueriesContext(connection) as queries:
        assert prepare_application(task_id=task.pk, message_id="message-1") == "prepared"

    boundaries = [
        query
        for query in queries
        if query["sql"].startswith("UPDATE") and "pause_requested_at IS NOT NULL" in query["sql"]
    ]
    # Every boundary but the last, which PENDING_APPROVAL writes.
    assert len(boundaries) == len(STEPS) - 1


@pytest.mark.django_db
def test_a_task_failing_after_steps_not_yet_written_keeps_them_in_its_checkpoint():
    task = TaskFactory(
        celery_task_id="message-1",
        checkpoint={"simulate": {"steps": STEPS, "step_seconds": 0, "fail_at": "answer"}},
    )

    assert prepare_application(task_id=task.pk, message_id="message-1") == "failed"

    task.refresh_from_db()
    assert task.state == TaskState.FAILED
    assert task.checkpoint["steps_done"] == ["open", "login", "fill"]
