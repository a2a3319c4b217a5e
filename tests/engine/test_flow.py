"""The engine end to end with real workers: prepare, approve, submit; approved work first;
pause and resume; revoke and requeue; a worker killed mid-task; database connections cut."""

import itertools
import os
import signal
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from applications.models import (
    WAITING,
    Application,
    ApplicationStatus,
    ApplicationTask,
    TaskEvent,
    TaskState,
)
from applications.services import (
    task_cancel,
    task_transition,
    tasks_recover_stale,
)

from .conftest import MAIN_SLOTS, wait_until
from .helpers import (
    approve,
    clicks,
    events,
    make_user,
    queue_tasks,
    state_of,
    step_log,
    urls,
    wait_for_state,
)

STEPS = ["open", "login", "fill", "answer", "review"]
INSTANT = {"steps": STEPS, "step_seconds": 0}


def test_a_task_is_prepared_approved_and_submitted_once(engine):
    user, client = make_user("ada")
    [task] = queue_tasks(user, urls("acme", 1), simulate={"steps": STEPS, "step_seconds": 0.01})

    task = wait_for_state(task, TaskState.PENDING_APPROVAL)
    assert task.checkpoint["steps_done"] == STEPS
    assert task.approval_request.status == "pending"
    assert Application.objects.get(user=user, job=task.job).status == ApplicationStatus.IN_PROGRESS

    approve(client, task)

    task = wait_for_state(task, TaskState.SUBMITTED)
    application = Application.objects.get(user=user, job=task.job)
    assert application.status == ApplicationStatus.APPLIED
    assert application.has_been_applied_to is True
    assert application.last_applied_at is not None
    assert step_log(task) == STEPS
    assert clicks(task) == 1
    assert [event.transition for event in events(task)] == [
        "claim",
        "prepared",
        "approve",
        "start_submit",
        "mark_submitted",
    ]


def test_approved_work_submits_before_any_queued_normal_task_starts(engine):
    approver, client = make_user("bea")
    [approved] = queue_tasks(
        approver, urls("beta", 1), simulate={"steps": STEPS, "step_seconds": 0}
    )
    wait_for_state(approved, TaskState.PENDING_APPROVAL)

    # A thousand users with a posting each: a thousand prepare messages in the broker (a user's
    # queued work waits in the database beyond their one session), all published at once.
    slow = {"steps": STEPS, "step_seconds": 0.2}
    with transaction.atomic():
        users = get_user_model().objects.bulk_create(
            get_user_model()(username=f"cal{number}") for number in range(1000)
        )
        backlog = [
            task
            for number, user in enumerate(users)
            for task in queue_tasks(user, urls(f"gamma{number}", 1), slow)
        ]
    wait_until(
        lambda: (
            ApplicationTask.objects.filter(
                pk__in=[task.pk for task in backlog], state=TaskState.RUNNING
            ).count()
            == MAIN_SLOTS
        ),
        message="every default slot busy",
    )
    approved_at = timezone.now()

    approve(client, approved)

    approved = wait_for_state(approved, TaskState.SUBMITTED)
    [started_submitting] = events(approved, "start_submit")
    claims_meanwhile = TaskEvent.objects.filter(
        task__in=backlog,
        transition="claim",
        created_at__gt=approved_at,
        created_at__lt=started_submitting.created_at,
    ).count()
    assert claims_meanwhile == 0
    assert (
        ApplicationTask.objects.filter(pk__in=[task.pk for task in backlog])
        .filter(state=TaskState.QUEUED)
        .exclude(celery_task_id=WAITING)
        .count()
        >= 990
    )


def test_a_users_work_takes_one_session_at_a_time_and_other_users_do_not_wait_behind_it(engine):
    many, _ = make_user("fay")
    theirs = queue_tasks(many, urls("phi", 8), simulate={"steps": STEPS, "step_seconds": 0.03})
    other, _ = make_user("gus")
    [single] = queue_tasks(other, urls("psi", 1), simulate=INSTANT)

    wait_for_state(single, TaskState.PENDING_APPROVAL)
    assert ApplicationTask.objects.filter(user=many, state=TaskState.QUEUED).count() >= 5

    for task in theirs:
        wait_for_state(task, TaskState.PENDING_APPROVAL)
    sessions = sorted(
        (events(task, "claim")[0].created_at, events(task, "prepared")[0].created_at)
        for task in theirs
    )
    for (_, ended), (started, _) in itertools.pairwise(sessions):
        assert started >= ended  # never two of the user's tasks running at once


def test_running_work_pauses_for_an_approval_and_resumes_from_its_checkpoint(engine):
    user, client = make_user("dee")
    [approved] = queue_tasks(user, urls("delta", 1), simulate=INSTANT)
    wait_for_state(approved, TaskState.PENDING_APPROVAL)
    long_steps = [f"step-{number}" for number in range(8)]
    [running] = queue_tasks(
        user, urls("epsilon", 1), simulate={"steps": long_steps, "step_seconds": 0.25}
    )
    wait_until(
        lambda: (
            len(ApplicationTask.objects.get(pk=running.pk).checkpoint.get("steps_done", [])) >= 2
        ),
        message="the long task got going",
    )

    approve(client, approved)

    approved = wait_for_state(approved, TaskState.SUBMITTED)
    running = wait_for_state(running, TaskState.PENDING_APPROVAL)
    [pause] = events(running, "requeue")
    assert "paused" in pause.reason
    claims = events(running, "claim")
    assert len(claims) == 2
    [started_submitting] = events(approved, "start_submit")
    [submitted] = events(approved, "mark_submitted")
    # The freed session slot goes to the approved task; the paused one resumes once it is in.
    assert pause.created_at <= started_submitting.created_at
    assert submitted.created_at <= claims[1].created_at
    assert step_log(running) == long_steps  # every step once, in order
    assert running.priority == 100
    assert clicks(approved) == 1


def test_a_paused_task_waits_for_its_users_approval_and_resumes_when_it_is_cancelled(engine):
    user, _ = make_user("ike")
    [approved] = queue_tasks(user, urls("kappa", 1), simulate=INSTANT)
    approved = wait_for_state(approved, TaskState.PENDING_APPROVAL)
    task_transition(task=approved, transition="approve", actor="test")  # no submit message
    long_steps = [f"step-{number}" for number in range(6)]
    [running] = queue_tasks(
        user, urls("lambda", 1), simulate={"steps": long_steps, "step_seconds": 0.2}
    )
    wait_until(
        lambda: ApplicationTask.objects.get(pk=running.pk).checkpoint.get("steps_done"),
        message="the task got going",
    )
    ApplicationTask.objects.filter(pk=running.pk).update(pause_requested_at=timezone.now())

    held = wait_for_state(running, TaskState.QUEUED)
    time.sleep(1.0)
    assert state_of(held) == TaskState.QUEUED  # waits while its user's approval is open

    task_cancel(task=ApplicationTask.objects.get(pk=approved.pk), actor="test")

    running = wait_for_state(running, TaskState.PENDING_APPROVAL)
    assert step_log(running) == long_steps


def test_a_task_that_does_not_yield_is_revoked_and_requeued(engine):
    user, client = make_user("eve")
    [approved] = queue_tasks(user, urls("zeta", 1), simulate=INSTANT)
    wait_for_state(approved, TaskState.PENDING_APPROVAL)
    [stuck] = queue_tasks(
        user,
        urls("eta", 1),
        simulate={"steps": ["open", "hang", "finish"], "step_seconds": 0.05,
                  "slow_once": {"hang": 120}},
    )  # fmt: skip
    wait_until(
        lambda: ApplicationTask.objects.get(pk=stuck.pk).checkpoint.get("steps_done") == ["open"],
        message="the task reached its hanging step",
    )

    approve(client, approved)

    # Grace (2 s in the test workers) runs out, SIGUSR1 ends the hanging step: pause path.
    approved = wait_for_state(approved, TaskState.SUBMITTED, timeout=30)
    stuck = wait_for_state(stuck, TaskState.PENDING_APPROVAL, timeout=30)
    [pause] = events(stuck, "requeue")
    assert "paused" in pause.reason
    assert step_log(stuck) == ["open", "hang", "finish"]
    # A pause is not a failed attempt.
    assert stuck.attempts == 1


def _assert_resumed_once_then_submitted_once(task: ApplicationTask, client) -> None:
    """A task recovered after losing its worker or its connection: claimed a second time from
    its checkpoint, every step run, then approved and clicked once, nothing left RUNNING."""
    assert task.attempts == 2
    assert [event.transition for event in events(task)][:3] == ["claim", "requeue", "claim"]
    assert sorted(set(step_log(task))) == sorted(STEPS)
    approve(client, task)
    task = wait_for_state(task, TaskState.SUBMITTED)
    assert clicks(task) == 1
    assert not ApplicationTask.objects.filter(state=TaskState.RUNNING).exists()


def test_a_worker_process_killed_mid_task_is_recovered_and_completes_once(engine, settings):
    user, client = make_user("fay")
    [task] = queue_tasks(user, urls("theta", 1), simulate={"steps": STEPS, "step_seconds": 1.0})
    wait_until(
        lambda: len(ApplicationTask.objects.get(pk=task.pk).checkpoint.get("steps_done", [])) >= 1,
        message="the task is under way",
    )
    message_id = ApplicationTask.objects.get(pk=task.pk).celery_task_id
    pid = wait_until(
        lambda: next(
            (
                running["worker_pid"]
                for running in engine.active_on("main")
                if running["id"] == message_id
            ),
            None,
        ),
        message="the worker process running the task",
    )
    assert len(ApplicationTask.objects.get(pk=task.pk).checkpoint["steps_done"]) < len(STEPS)

    os.kill(pid, signal.SIGKILL)

    # Celery redelivers the message (late ack, reject on worker lost). Billiard does not when
    # the process was once the target of a revoke (it then counts any death as that revoke);
    # the stale sweep is the net for that case.
    try:
        task = wait_for_state(task, TaskState.PENDING_APPROVAL, timeout=15)
    except AssertionError:
        settings.STALE_TASK_SECONDS = 1
        time.sleep(1.5)
        assert tasks_recover_stale()["requeued"] == 1
        task = wait_for_state(task, TaskState.PENDING_APPROVAL, timeout=30)
    _assert_resumed_once_then_submitted_once(task, client)


def _cut_other_database_connections() -> int:
    """Terminate every other session on the test database, as a PostgreSQL restart would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_a_task_whose_database_connection_is_cut_mid_step_is_retried_and_completes(engine):
    user, client = make_user("gus")
    [task] = queue_tasks(user, urls("iota", 1), simulate={"steps": STEPS, "step_seconds": 0.5})
    wait_until(
        lambda: len(ApplicationTask.objects.get(pk=task.pk).checkpoint.get("steps_done", [])) >= 1,
        message="the task is under way",
    )

    assert _cut_other_database_connections() >= 1

    # The worker's next checkpoint fails; the message is retried and the retry resumes the
    # task from its checkpoint (a redelivery: a second claim, the first one's step kept).
    task = wait_for_state(task, TaskState.PENDING_APPROVAL, timeout=20)
    _assert_resumed_once_then_submitted_once(task, client)
