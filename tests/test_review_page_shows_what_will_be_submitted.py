"""The review page shows the job, every value that will be submitted, the decisions so far and
how many approvals are needed, and when the link expires (as a time, for pages without JS)."""

import pytest
from django.test import Client

from applications.models import ApplicationTask
from approvals.models import ApprovalDecision
from approvals.services import approval_decide_by_token
from tests.factories import UserFactory
from tests.reviews import pending_review, token_of

pytestmark = pytest.mark.django_db

VALUES = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "phone": "+44 20 7946 0958",
    "answers": {"Notice period?": "Two weeks", "Portfolio": "https://example.com/" + "x" * 200},
}


def test_the_page_lists_the_job_the_values_and_the_deadline(owner):
    opening = pending_review(owner, values=VALUES)
    task = opening.approval.task

    page = Client().get(f"/approve/{opening.applicant_token}/").content.decode()

    assert task.job.company in page
    assert f'href="{task.job.url}" rel="noreferrer noopener"' in page
    for shown in ["First name", "Ada", "Lovelace", "ada@example.com", "+44 20 7946 0958"]:
        assert shown in page
    assert "<dt>Notice period?</dt><dd>Two weeks</dd>" in page
    assert page.index("Ada") < page.index("Lovelace") < page.index("Notice period?")
    assert f"{opening.approval.expires_at:%H:%M:%S} UTC" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'value="approve"' in page and 'value="reject"' in page


def test_the_decisions_so_far_and_the_approvals_needed_are_shown(owner):
    UserFactory(username="grace")
    opening = pending_review(owner, allowed_approvers=["grace"], require_min_approvers=2)
    approval_decide_by_token(token=token_of(opening, "grace"), approve=True, comment="Looks right")

    page = Client().get(f"/approve/{opening.applicant_token}/").content.decode()
    status = Client().get(f"/approve/{opening.applicant_token}/status/").json()

    assert "1 of 2 approvals" in page
    assert "<strong>grace</strong> approved" in page
    assert "Looks right" in page
    assert status["required"] == 2
    assert status["approvals"] == 1
    assert status["can_decide"] is True
    assert [(d["approver"], d["approve"], d["comment"]) for d in status["decisions"]] == [
        ("grace", True, "Looks right")
    ]
    assert ApprovalDecision.objects.count() == 1


def test_a_page_without_values_says_so(owner):
    opening = pending_review(owner)
    ApplicationTask.objects.filter(pk=opening.approval.task_id).update(checkpoint={})

    page = Client().get(f"/approve/{opening.applicant_token}/").content.decode()

    assert "No values were filled in." in page
