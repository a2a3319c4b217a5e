"""The engine end to end with real workers: a task is prepared, stops before the final click,
is approved, and is submitted once."""

from applications.models import Application, ApplicationStatus, TaskState

from .helpers import approve, clicks, events, make_user, queue_tasks, step_log, urls, wait_for_state

STEPS = ["open", "login", "fill", "answer", "review"]


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
