"""What each link's review page answers: a forged token 404, an expired link 410 saying when it
expired and what happened to the task, a used link the decision already taken, a POST on a
closed request 409; a decision is answered with a redirect to the same page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from applications.models import ApplicationTask, TaskState
from applications.services import task_cancel
from approvals.models import ApprovalRequest, ApprovalStatus
from approvals.services import approvals_time_out_due
from tests.reviews import every_row, pending_review

pytestmark = pytest.mark.django_db

FORGED = "Zm9yZ2VkLXRva2VuLW5vdC1pbi10aGUtZGF0YWJhc2UtYXQtYWxs"


def page(token: str, suffix: str = ""):
    return Client().get(f"/approve/{token}/{suffix}")


def post(token: str, decision: str, comment: str = ""):
    return Client().post(f"/approve/{token}/", {"decision": decision, "comment": comment})


def past_deadline(approval: ApprovalRequest) -> None:
    ApprovalRequest.objects.filter(pk=approval.pk).update(
        expires_at=timezone.now() - timedelta(minutes=3)
    )


def test_a_forged_token_is_a_404_page_everywhere(owner):
    pending_review(owner)
    before = every_row()

    answers = [
        page(FORGED),
        page(FORGED, "status/"),
        page(FORGED, "events/"),
        post(FORGED, "approve"),
    ]

    assert [answer.status_code for answer in answers] == [404, 404, 404, 404]
    assert "This link does not open anything" in answers[0].content.decode()
    assert answers[1].json()["error"] == "not_found"
    assert every_row() == before


def test_approving_redirects_to_the_same_page_which_then_shows_the_decision(owner):
    opening = pending_review(owner)
    token = opening.applicant_token

    response = post(token, "approve", "Go ahead")

    assert response.status_code == 302
    assert response["Location"] == f"/approve/{token}/"
    approval = ApprovalRequest.objects.get(pk=opening.approval.pk)
    assert approval.status == ApprovalStatus.APPROVED
    assert approval.decisions.get().comment == "Go ahead"
    shown = page(token)
    assert shown.status_code == 200
    assert "Approved — submitting now…" in shown.content.decode()
    assert 'name="decision"' not in shown.content.decode()


def test_a_used_link_shows_the_decision_taken_and_a_second_post_is_a_409(owner):
    opening = pending_review(owner)
    token = opening.applicant_token
    assert post(token, "reject", "Not this one").status_code == 302
    before = every_row()

    shown = page(token)
    again = post(token, "approve")

    assert shown.status_code == 200
    assert "Rejected at" in shown.content.decode()
    assert "<strong>owner</strong> rejected" in shown.content.decode()
    assert "Not this one" in shown.content.decode()
    assert again.status_code == 409
    assert "This approval is already rejected." in again.content.decode()
    assert every_row() == before


def test_a_link_past_its_deadline_is_a_410_page_that_says_when_and_what_happens(owner):
    opening = pending_review(owner)
    past_deadline(opening.approval)
    expires_at = ApprovalRequest.objects.get(pk=opening.approval.pk).expires_at
    before = every_row()

    shown = page(opening.applicant_token)

    assert shown.status_code == 410
    text = shown.content.decode()
    assert f"This link expired at {expires_at:%H:%M:%S} UTC" in text
    assert "the application will not be submitted" in text
    assert every_row() == before


def test_an_expired_request_is_a_410_page_that_says_what_happened_to_the_task(owner):
    opening = pending_review(owner)
    past_deadline(opening.approval)
    assert approvals_time_out_due() == 1

    shown = page(opening.applicant_token)
    decided = post(opening.applicant_token, "approve")

    assert shown.status_code == 410
    assert "so nothing was submitted. The application is expired." in shown.content.decode()
    assert decided.status_code == 410
    assert ApplicationTask.objects.get(pk=opening.approval.task_id).state == TaskState.EXPIRED


def test_deciding_after_the_deadline_is_a_410_page_and_applies_the_timeout(owner):
    opening = pending_review(owner)
    past_deadline(opening.approval)

    response = post(opening.applicant_token, "approve")

    assert response.status_code == 410
    assert "this decision was not taken" in response.content.decode()
    assert ApprovalRequest.objects.get(pk=opening.approval.pk).status == ApprovalStatus.EXPIRED


def test_a_cancelled_applications_link_is_a_410_page(owner):
    opening = pending_review(owner)
    task_cancel(task=ApplicationTask.objects.get(pk=opening.approval.task_id), actor="owner")

    shown = page(opening.applicant_token)

    assert shown.status_code == 410
    assert "This application was cancelled" in shown.content.decode()


def test_a_decision_that_is_neither_approve_nor_reject_is_a_400_and_changes_nothing(owner):
    opening = pending_review(owner)
    before = every_row()

    response = post(opening.applicant_token, "maybe")

    assert response.status_code == 400
    assert "Choose Approve or Reject." in response.content.decode()
    assert every_row() == before
