"""A driver error during the final click: whether the click reached the site is unknown, so the
submit is handed at once to a new message that asks the site before any new click (DESIGN.md,
"Duplicate protection", point 5), instead of staying SUBMITTING until the stale sweep."""

from applications.models import Application, ApplicationStatus, TaskState
from workers.services import OUTCOME_UNKNOWN

from .helpers import approve, clicks, events, make_user, queue_tasks, urls, wait_for_state

INSTANT = {"steps": ["open", "fill"], "step_seconds": 0}


def approved_with(name: str, **simulate):
    user, client = make_user(name)
    [task] = queue_tasks(user, urls(name, 1), simulate={**INSTANT, **simulate})
    wait_for_state(task, TaskState.PENDING_APPROVAL)
    approve(client, task)
    return user, task


def assert_each_attempt_has_an_event(task) -> None:
    history = [(event.transition, event.reason) for event in events(task)]
    assert [transition for transition, _ in history[:4]] == [
        "claim",
        "prepared",
        "approve",
        "start_submit",
    ]
    (raised, raised_reason), (attempt, attempt_reason) = history[4:6]
    assert raised == "submit_attempt"
    assert "the click raised" in raised_reason
    assert "Simulated browser crash" in raised_reason
    assert attempt == "submit_attempt"
    assert attempt_reason == "submit attempt 2: the site is asked before any click"


def test_a_click_that_raised_after_reaching_the_site_is_found_there_and_not_repeated(engine):
    user, task = approved_with("cleo", submit_raises_once="after_click")

    task = wait_for_state(task, TaskState.SUBMITTED, timeout=15)

    assert clicks(task) == 1
    assert task.submit_attempts == 2
    assert_each_attempt_has_an_event(task)
    assert events(task)[-1].transition == "mark_submitted"
    assert Application.objects.get(user=user, job=task.job).status == ApplicationStatus.APPLIED


def test_a_click_that_raised_before_reaching_the_site_is_made_once_more(engine):
    user, task = approved_with("dina", submit_raises_once="before_click")

    task = wait_for_state(task, TaskState.SUBMITTED, timeout=15)

    assert clicks(task) == 1
    assert task.submit_attempts == 2
    assert_each_attempt_has_an_event(task)
    assert events(task)[-1].transition == "mark_submitted"
    assert Application.objects.get(user=user, job=task.job).status == ApplicationStatus.APPLIED


def test_a_click_that_raised_where_the_site_cannot_tell_fails_for_a_person_to_check(engine):
    user, task = approved_with("esme", submit_raises_once="after_click", outcome_unknown=True)

    task = wait_for_state(task, TaskState.FAILED, timeout=15)

    assert task.last_error == OUTCOME_UNKNOWN
    assert clicks(task) == 1
    assert_each_attempt_has_an_event(task)
    # The posting stays locked: nothing may apply to it again until someone has looked.
    application = Application.objects.get(user=user, job=task.job)
    assert application.status == ApplicationStatus.IN_PROGRESS
