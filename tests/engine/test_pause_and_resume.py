"""Running work yields its session to approved work: it pauses at a step boundary (or is revoked
when it does not), and resumes from its checkpoint after the approved work."""

from django.utils import timezone

from applications.models import ApplicationTask, TaskState
from applications.services import task_cancel, task_transition

from .conftest import wait_until
from .helpers import (
    approve,
    blocked_in,
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
    # Its message is taken at once (a paused task keeps its session), and the worker, finding
    # its user's approval open, waits for that submit to end: a blocking pop on the wake-up key.
    wait_until(
        lambda: blocked_in("blpop"),
        message="the paused task's worker never waited for its user's submit",
    )
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
