"""The profile's rules are checked again right before the final click: a company blocked after
the posting was prepared and approved is SKIPPED before anything is clicked, with the reason on
the task, its lock given back and its approval left as decided. The company is compared as the
page gave it, normalized ("Acme, Inc." is "ACME inc")."""

from applications.models import Application, ApplicationStatus, Profile, TaskState
from approvals.models import ApprovalStatus

from .helpers import approve, clicks, events, make_user, queue_tasks, urls, wait_for_state

SIMULATE = {
    "steps": ["open", "fill"],
    "step_seconds": 0,
    "submit_seconds": 1,
    "posting": {"company": "Acme, Inc.", "title": "Backend Engineer"},
}


def test_a_company_blocked_after_the_approval_is_skipped_before_the_click(engine):
    user, client = make_user("bea")
    [task] = queue_tasks(user, urls("acme", 1), simulate=SIMULATE)
    wait_for_state(task, TaskState.PENDING_APPROVAL)
    # Approved while no worker takes messages: the submit message waits in the broker until
    # the company is blocked.
    with engine.paused():
        approve(client, task)
        assert wait_for_state(task, TaskState.APPROVED)
        Profile.objects.filter(user=user).update(company_blocklist=["ACME inc"])

    task = wait_for_state(task, TaskState.SKIPPED)

    assert clicks(task) == 0
    assert task.last_error == (
        "Skipped before the final click: the company is on your blocklist "
        "(Acme, Inc. — Backend Engineer)."
    )
    assert [event.transition for event in events(task)] == [
        "claim",
        "prepared",
        "approve",
        "start_submit",
        "skip",
    ]
    assert events(task, "skip")[0].reason == task.last_error
    assert task.approval_request.status == ApprovalStatus.APPROVED
    assert Application.objects.get(user=user, job=task.job).status == ApplicationStatus.PENDING


def test_a_posting_that_still_passes_is_clicked(engine):
    user, client = make_user("cal")
    Profile.objects.filter(user=user).update(
        company_blocklist=["Globex"], avoid_title_keywords=["sales"]
    )
    [task] = queue_tasks(user, urls("acme", 1), simulate=SIMULATE)
    wait_for_state(task, TaskState.PENDING_APPROVAL)

    approve(client, task)
    task = wait_for_state(task, TaskState.SUBMITTED)

    assert clicks(task) == 1
