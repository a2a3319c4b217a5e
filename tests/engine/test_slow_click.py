"""A final click that takes longer than the stale threshold is never clicked again: the submit
heartbeats while it clicks, so the stale sweep does not take it for dead."""

from django.conf import settings as django_settings

from applications.models import TaskState
from applications.services import tasks_recover_stale
from applications.services.transitions import SWEEPER_ACTOR
from workers import tasks as celery_tasks

from .conftest import wait_until
from .helpers import approve, clicks, events, make_user, queue_tasks, state_of, urls, wait_for_state

CLICK_SECONDS = 6.0
STALE_SECONDS = 2


def test_a_click_longer_than_the_stale_threshold_is_made_exactly_once(engine, settings):
    user, client = make_user("slow-clicker")
    [task] = queue_tasks(
        user, urls("slowclick", 1), simulate={"steps": ["fill"], "submit_seconds": CLICK_SECONDS}
    )
    wait_for_state(task, TaskState.PENDING_APPROVAL)
    approve(client, task)
    wait_for_state(task, TaskState.SUBMITTING)

    # The sweep runs all through the click with a threshold three times shorter than it.
    settings.STALE_TASK_SECONDS = STALE_SECONDS
    sweeps = []

    def swept_until_submitted() -> bool:
        sweeps.append(tasks_recover_stale())
        return state_of(task) == TaskState.SUBMITTED

    wait_until(swept_until_submitted, timeout=CLICK_SECONDS + 20, interval=0.25)

    assert clicks(task) == 1
    assert len(sweeps) > CLICK_SECONDS / 0.25 / 2
    assert all(sweep["resubmit_checks"] == 0 for sweep in sweeps)
    assert not [event for event in events(task) if event.actor == SWEEPER_ACTOR]
    assert [event.transition for event in events(task)][-2:] == ["start_submit", "mark_submitted"]


def test_a_submit_is_stopped_by_its_hard_time_limit_before_it_could_look_stale():
    limit = celery_tasks.submit_application.time_limit

    assert limit == django_settings.SUBMIT_TIME_LIMIT_SECONDS
    assert django_settings.HEARTBEAT_SECONDS < limit < django_settings.STALE_TASK_SECONDS
