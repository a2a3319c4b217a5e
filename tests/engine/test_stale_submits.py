"""A submit whose worker died before recording the outcome is never blindly clicked again: the
site is asked first, and an outcome it cannot tell is left for a person to check."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import Application, ApplicationStatus, ApplicationTask, TaskState
from applications.services import task_transition, tasks_recover_stale
from workers.drivers import SIM_SUBMITTED
from workers.services import OUTCOME_UNKNOWN

from .conftest import redis_client
from .helpers import clicks, make_user, queue_tasks, urls, wait_for_state

INSTANT = {"steps": ["open", "fill"], "step_seconds": 0}


def stale_submitting(task: ApplicationTask, **simulate) -> ApplicationTask:
    """Walk a task to SUBMITTING, as a worker that died before recording the outcome left it."""
    task = ApplicationTask.objects.get(pk=task.pk)
    if simulate:
        task.checkpoint = {**task.checkpoint, "simulate": {**INSTANT, **simulate}}
        ApplicationTask.objects.filter(pk=task.pk).update(checkpoint=task.checkpoint)
    for transition in ("approve", "start_submit"):
        task = ApplicationTask.objects.get(pk=task.pk)
        task_transition(task=task, transition=transition, actor="test")
    ApplicationTask.objects.filter(pk=task.pk).update(
        heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    return ApplicationTask.objects.get(pk=task.pk)


@pytest.fixture
def pending(engine):
    user, _ = make_user("gus")
    [task] = queue_tasks(user, urls("iota", 1), simulate=INSTANT)
    return wait_for_state(task, TaskState.PENDING_APPROVAL)


def test_stale_submit_found_on_the_site_is_not_clicked_again(pending):
    task = stale_submitting(pending)
    redis_client().sadd(SIM_SUBMITTED, task.pk)  # the click had gone through

    assert tasks_recover_stale()["resubmit_checks"] == 1

    task = wait_for_state(task, TaskState.SUBMITTED)
    assert clicks(task) == 0
    assert Application.objects.get(pk__isnull=False, job=task.job).status == "applied"


def test_stale_submit_with_an_unknown_outcome_fails_for_a_person_to_check(pending):
    task = stale_submitting(pending, outcome_unknown=True)

    tasks_recover_stale()

    task = wait_for_state(task, TaskState.FAILED)
    assert task.last_error == OUTCOME_UNKNOWN
    assert clicks(task) == 0
    # The posting stays locked: nothing may apply to it again until someone has looked.
    application = Application.objects.get(job=task.job)
    assert application.status == ApplicationStatus.IN_PROGRESS


def test_stale_submit_the_site_never_received_is_submitted_once(pending):
    task = stale_submitting(pending)

    tasks_recover_stale()

    task = wait_for_state(task, TaskState.SUBMITTED)
    assert clicks(task) == 1
