"""A posting under a new link whose company and title are those of one the user applied to
within REPOST_WINDOW_DAYS is a repost: it is held for a person with a warning, and an
auto-approve rule that matches it does not approve it."""

from datetime import timedelta

from django.utils import timezone

from applications.models import TaskState
from approvals.models import ApprovalStatus
from approvals.services.rules import rule_save
from tests.factories import JobPostingFactory, RunFactory, TaskFactory

from .helpers import clicks, make_user, queue_tasks, wait_for_state, wait_until

EARLIER_URL = "https://boards.greenhouse.io/acme/jobs/100"


def test_a_repost_under_a_new_link_waits_for_a_person_with_its_warning(engine):
    user, _ = make_user("remy")
    earlier = JobPostingFactory(
        company="Acme",
        title="Backend Engineer",
        url=EARLIER_URL,
        canonical_key="greenhouse:acme:100",
    )
    applied_at = timezone.now() - timedelta(days=3)
    TaskFactory(
        run=RunFactory(user=user),
        job=earlier,
        state=TaskState.SUBMITTED,
        finished_at=applied_at,
    )
    rule_save(
        user=user,
        name="everything at greenhouse",
        conditions=[{"field": "posting.ats", "op": "==", "value": "greenhouse"}],
    )
    [task] = queue_tasks(
        user,
        ["https://boards.greenhouse.io/acme/jobs/200"],
        simulate={
            "steps": ["open", "fill"],
            "step_seconds": 0,
            "posting": {"company": "ACME, Inc.", "title": "Backend engineer"},
        },
    )

    task = wait_for_state(task, TaskState.PENDING_APPROVAL)
    wait_until(engine.idle, timeout=30, message="the workers did not go idle")

    task.refresh_from_db()
    assert task.state == TaskState.PENDING_APPROVAL
    assert task.approval_request.status == ApprovalStatus.PENDING
    assert task.checkpoint["warnings"] == [
        f"Looks like a repost of Acme — Backend Engineer, applied to on "
        f"{applied_at.date().isoformat()} under {EARLIER_URL}; approve only if you mean to "
        "apply again."
    ]
    assert clicks(task) == 0


def test_a_posting_applied_to_longer_ago_than_the_window_is_not_a_repost(engine):
    user, _ = make_user("sid")
    earlier = JobPostingFactory(company="acme", title="Backend Engineer")
    TaskFactory(
        run=RunFactory(user=user),
        job=earlier,
        state=TaskState.SUBMITTED,
        finished_at=timezone.now() - timedelta(days=31),
    )
    [task] = queue_tasks(
        user,
        ["https://boards.greenhouse.io/acme/jobs/300"],
        simulate={"steps": ["open"], "step_seconds": 0, "posting": {"title": "Backend Engineer"}},
    )

    task = wait_for_state(task, TaskState.PENDING_APPROVAL)

    assert task.warnings == []
