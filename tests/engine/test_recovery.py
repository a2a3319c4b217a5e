"""At most once, and nothing lost: stale submits, stale messages, redelivery limits, messages
the broker lost, and the order the broker hands work out in."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import Application, ApplicationStatus, ApplicationTask, TaskState
from applications.services import (
    task_cancel,
    task_pause,
    task_transition,
    tasks_reconcile_queued,
    tasks_recover_stale,
)
from applications.services.preparing import task_claim_prepare
from config import dispatch
from config.celery import app
from workers.drivers import SIM_SUBMITTED
from workers.services import OUTCOME_UNKNOWN, prepare_application, submit_application

from .conftest import redis_client
from .helpers import clicks, make_user, queue_tasks, step_log, urls, wait_for_state

INSTANT = {"steps": ["open", "fill"], "step_seconds": 0}
# A worker's blocking pop already under way when its consumer is cancelled ends within kombu's
# BRPOP timeout (1 s); wait that out before publishing what it must not take.
BRPOP_SECONDS = 1.5


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


def test_a_queued_task_whose_message_the_broker_lost_is_published_again(engine, settings):
    user, _ = make_user("hal")
    # Cancel the consumers of default for a moment, so that the message can be lost for real.
    main = engine.node("main")
    app.control.cancel_consumer("default", destination=[main], reply=True)
    time.sleep(BRPOP_SECONDS)
    try:
        [task] = queue_tasks(user, urls("kappa", 1), simulate=INSTANT)
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
    finally:
        app.control.add_consumer("default", destination=[main], reply=True)

    wait_for_state(task, TaskState.PENDING_APPROVAL)


def test_boosted_and_submit_messages_are_taken_before_normal_ones(engine):
    main = engine.node("main")
    reserve = engine.node("reserve")
    app.control.cancel_consumer("default", destination=[main], reply=True)
    app.control.cancel_consumer("approvals", destination=[main, reserve], reply=True)
    time.sleep(BRPOP_SECONDS)
    try:
        dispatch.send_prepare_now([(1, "normal-1", 50), (2, "boosted", 100), (3, "normal-2", 50)])
        app.send_task(
            dispatch.SUBMIT_TASK,
            args=[4],
            task_id="submit",
            queue=dispatch.QUEUE_APPROVALS,
            priority=dispatch.BROKER_PRIORITY_SUBMIT,
        )
        taken = []
        with app.connection_for_read() as connection:
            channel = connection.default_channel
            # The worker's order: approvals before default, lower priority step first.
            for queue in ("approvals", "default"):
                while (message := channel.basic_get(queue)) is not None:
                    taken.append(message.headers["id"])
                    message.ack()
    finally:
        app.control.add_consumer("default", destination=[main], reply=True)
        app.control.add_consumer("approvals", destination=[main, reserve], reply=True)

    assert taken == ["submit", "boosted", "normal-1", "normal-2"]


# In-process: the worker's services against the real database and Redis, no worker needed.


def test_a_message_for_a_cancelled_task_does_nothing(db, owner):
    [task] = queue_tasks(owner, urls("lambda", 1), simulate=INSTANT)
    task_cancel(task=task, actor="owner")

    assert prepare_application(task_id=task.pk, message_id=task.celery_task_id) == "dropped"

    task.refresh_from_db()
    assert task.state == TaskState.CANCELLED
    assert step_log(task) == []


def test_a_superseded_message_does_nothing(db, owner):
    [task] = queue_tasks(owner, urls("mu", 1), simulate=INSTANT)

    assert prepare_application(task_id=task.pk, message_id="an-older-message") == "dropped"

    task.refresh_from_db()
    assert task.state == TaskState.QUEUED


def test_a_message_for_a_submitted_task_does_nothing(db, owner):
    [task] = queue_tasks(owner, urls("nu", 1), simulate=INSTANT)
    assert prepare_application(task_id=task.pk, message_id=task.celery_task_id) == "prepared"
    task = ApplicationTask.objects.get(pk=task.pk)
    task.celery_task_id = "submit-1"
    ApplicationTask.objects.filter(pk=task.pk).update(celery_task_id="submit-1")
    task_transition(task=task, transition="approve", actor="test")
    assert submit_application(task_id=task.pk, message_id="submit-1") == "submitted"

    assert submit_application(task_id=task.pk, message_id="submit-1") == "dropped"
    assert prepare_application(task_id=task.pk, message_id="submit-1") == "dropped"
    assert clicks(task) == 1


def test_a_message_redelivered_again_and_again_fails_at_the_attempt_limit(db, owner, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    [task] = queue_tasks(owner, urls("xi", 1), simulate=INSTANT)

    # Each delivery finds the task RUNNING under the same message: its worker died.
    for attempt in (1, 2, 3):
        claimed = task_claim_prepare(task_id=task.pk, message_id=task.celery_task_id)
        assert claimed is not None and claimed.attempts == attempt
    assert task_claim_prepare(task_id=task.pk, message_id=task.celery_task_id) is None

    task.refresh_from_db()
    assert task.state == TaskState.FAILED
    assert "Gave up after 3 attempts" in task.last_error
    assert not Application.objects.filter(job=task.job, status="in_progress").exists()


def test_a_task_paused_more_often_than_the_attempt_limit_still_resumes(db, owner, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    [task] = queue_tasks(owner, urls("omicron", 1), simulate=INSTANT)

    for _ in range(5):
        message_id = ApplicationTask.objects.values_list("celery_task_id", flat=True).get(
            pk=task.pk
        )
        claimed = task_claim_prepare(task_id=task.pk, message_id=message_id)
        assert claimed is not None
        task_pause(task=claimed)

    message_id = ApplicationTask.objects.values_list("celery_task_id", flat=True).get(pk=task.pk)
    claimed = task_claim_prepare(task_id=task.pk, message_id=message_id)
    assert claimed is not None
    assert (claimed.state, claimed.attempts) == (TaskState.RUNNING, 1)


def test_a_queued_task_past_the_attempt_limit_fails_instead_of_running(db, owner, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    [task] = queue_tasks(owner, urls("pi", 1), simulate=INSTANT)
    ApplicationTask.objects.filter(pk=task.pk).update(attempts=3)

    assert task_claim_prepare(task_id=task.pk, message_id=task.celery_task_id) is None

    task.refresh_from_db()
    assert task.state == TaskState.FAILED
    assert "Gave up after 3 attempts" in task.last_error
