"""What the job site says before any click: its session ended (the task EXPIRES, its lock given
back, nothing submitted), or the application exists there already (SKIPPED in the site's words,
and the posting marked applied, so that ingestion skips it from then on)."""

from applications.models import Application, ApplicationStatus, TaskState
from applications.services import run_create

from .helpers import approve, clicks, events, make_user, queue_tasks, step_log, urls, wait_for_state

STEPS = ["open", "login", "fill"]


def queued(name: str, **simulate):
    user, client = make_user(name)
    [task] = queue_tasks(
        user, urls(name, 1), simulate={"steps": STEPS, "step_seconds": 0, **simulate}
    )
    return user, client, task


def test_a_session_that_ends_in_a_step_expires_the_task(engine):
    user, _, task = queued("ella", session_expired="login")

    task = wait_for_state(task, TaskState.EXPIRED)

    assert task.last_error == (
        "The job site's session ended, nothing was submitted: Simulated: the site signed you out."
    )
    assert step_log(task) == ["open"]
    assert [event.transition for event in events(task)] == ["claim", "expire"]
    assert Application.objects.get(user=user, job=task.job).status == ApplicationStatus.PENDING


def test_a_session_that_ends_before_the_click_expires_the_submit(engine):
    user, client, task = queued("finn", session_expired="submit")
    wait_for_state(task, TaskState.PENDING_APPROVAL)

    approve(client, task)
    task = wait_for_state(task, TaskState.EXPIRED)

    assert clicks(task) == 0
    assert "session ended" in task.last_error
    assert events(task)[-1].transition == "expire"
    assert Application.objects.get(user=user, job=task.job).status == ApplicationStatus.PENDING


def test_a_site_that_says_applied_skips_the_task_and_marks_the_posting(engine):
    user, _, task = queued("gus", already_applied_on_site="fill")

    task = wait_for_state(task, TaskState.SKIPPED)

    assert task.last_error == (
        "Already applied on the job site: Simulated: you have already applied to this job."
    )
    application = Application.objects.get(user=user, job=task.job)
    assert application.status == ApplicationStatus.APPLIED
    assert application.has_been_applied_to
    again = run_create(user=user, job_urls=[task.job.url])
    assert again.run is None
    assert again.warnings[0].startswith(f"Skipped {task.job.company} — already applied on ")


def test_a_site_that_says_applied_at_the_submit_is_not_clicked(engine):
    user, client, task = queued("hal", already_applied_on_site="submit")
    wait_for_state(task, TaskState.PENDING_APPROVAL)

    approve(client, task)
    task = wait_for_state(task, TaskState.SKIPPED)

    assert clicks(task) == 0
    assert Application.objects.get(user=user, job=task.job).has_been_applied_to
