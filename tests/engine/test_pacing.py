"""Applications per site and period: with a site that takes one application per minute
(tests/engine/conftest.py, SITE_LIMITS), the first task goes on and the second waits for the
next minute, back in the queue without a message, saying why; the reconciliation sweep leaves it
alone, and it can still be cancelled."""

import time
from datetime import UTC, datetime, timedelta

from django.test import override_settings

from applications.models import WAITING, ApplicationTask, TaskState
from applications.services import tasks_reconcile_queued

from .helpers import events, make_user, queue_tasks, wait_for_state, wait_until

PACED = ["https://paced.example/jobs/1", "https://paced.example/jobs/2"]


def away_from_the_minutes_end() -> None:
    # Both claims must fall in one minute's window.
    second = datetime.now(tz=UTC).second
    if second >= 50:
        time.sleep(61 - second)


def test_a_second_application_to_a_site_that_takes_one_per_minute_waits_and_says_why(engine):
    user, client = make_user("pia")
    away_from_the_minutes_end()
    first, second = queue_tasks(user, PACED, simulate={"steps": ["open"], "step_seconds": 0})

    wait_for_state(first, TaskState.PENDING_APPROVAL)
    wait_until(
        lambda: ApplicationTask.objects.get(pk=second.pk).not_before is not None,
        message="the second task never waited for its site",
    )

    second.refresh_from_db()
    now = datetime.now(tz=UTC)
    next_minute = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    assert second.state == TaskState.QUEUED
    assert second.celery_task_id == WAITING
    assert second.not_before == next_minute
    assert second.wait_reason == (
        f"Waiting until {next_minute:%H:%M} UTC: paced.example takes 1 application per minute"
    )
    assert second.attempts == 0
    assert [event.transition for event in events(second)] == ["claim", "wait_for_site"]
    shown = client.get(f"/api/tasks/{second.pk}/").json()
    assert (shown["wait_reason"], shown["state"]) == (second.wait_reason, "queued")
    assert shown["not_before"] is not None

    # The reconciliation sweep does not publish it before its time.
    with override_settings(RECONCILE_AFTER_SECONDS=0):
        tasks_reconcile_queued(broker_message_ids=set())
    second.refresh_from_db()
    assert (second.state, second.celery_task_id) == (TaskState.QUEUED, WAITING)

    assert client.post(f"/api/tasks/{second.pk}/cancel/").status_code == 200
    second.refresh_from_db()
    assert (second.state, second.wait_reason, second.not_before) == (TaskState.CANCELLED, "", None)
