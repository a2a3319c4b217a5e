"""The form's questions the profile could not answer (`checkpoint["questions"]`) are asked in the
approve form: an approval without every required answer is refused (the page shows what is
missing, 400; the API answers 400 naming them) and changes nothing; with them, the answers are
kept in the same transaction as the decision, in the checkpoint's values (what the submit
sends) and in the profile, by question. A rejection needs no answers, and no auto-approve rule
approves a request with a question left unanswered."""

import pytest
from django.test import Client

from applications.models import ApplicationTask, Profile
from approvals.models import ApprovalRequest, ApprovalStatus
from approvals.services.rules import rule_save
from tests.reviews import every_row, pending_review, post_as_the_page

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"key": "q1", "label": "Years of Python", "kind": "text", "required": True},
    {
        "key": "q2",
        "label": "Do you need a visa?",
        "kind": "choice",
        "options": ["Yes", "No"],
        "required": True,
    },
    {"key": "q3", "label": "Anything else?", "kind": "text", "required": False},
]


def asking(owner, **policy):
    return pending_review(
        owner,
        values={"first_name": "Ada", "answers": {"Portfolio": "https://example.com"}},
        checkpoint={"questions": QUESTIONS},
        **policy,
    )


def test_the_page_asks_each_question_inside_the_approve_form(owner):
    page = Client().get(f"/approve/{asking(owner).applicant_token}/").content.decode()

    form = page[page.index('id="decide"') : page.index("</form>", page.index('id="decide"'))]
    assert 'name="question:q1"' in form and "Years of Python" in form
    assert '<select id="question-2" name="question:q2" required>' in form
    assert "<option>Yes</option>" in form


def test_an_approval_without_the_required_answers_is_a_400_that_names_them_and_changes_nothing(
    owner,
):
    opening = asking(owner)
    before = every_row()

    response = post_as_the_page(
        opening.applicant_token, {"decision": "approve", "question:q1": "12"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Answer the required questions first: Do you need a visa?." in page
    assert 'aria-invalid="true"' in page
    assert 'value="12"' in page  # what was typed stays
    assert every_row() == before


def test_the_answers_are_kept_with_the_decision_in_the_checkpoint_and_the_profile(owner):
    opening = asking(owner)

    response = post_as_the_page(
        opening.applicant_token,
        {"decision": "approve", "question:q1": "12", "question:q2": "No", "question:q3": ""},
    )

    assert response.status_code == 302
    task = ApplicationTask.objects.get(pk=opening.approval.task_id)
    assert task.checkpoint["values"]["answers"] == {
        "Portfolio": "https://example.com",
        "Years of Python": "12",
        "Do you need a visa?": "No",
    }
    assert Profile.objects.get(user=owner).answers == {
        "Years of Python": "12",
        "Do you need a visa?": "No",
    }
    assert ApprovalRequest.objects.get(pk=opening.approval.pk).status == ApprovalStatus.APPROVED


def test_a_choice_that_is_not_an_option_is_refused(owner):
    opening = asking(owner)

    response = post_as_the_page(
        opening.applicant_token, {"decision": "approve", "question:q1": "3", "question:q2": "Maybe"}
    )

    assert response.status_code == 400
    assert "Do you need a visa?: choose one of Yes, No." in response.content.decode()


def test_a_rejection_needs_no_answers(owner):
    opening = asking(owner)

    assert post_as_the_page(opening.applicant_token, {"decision": "reject"}).status_code == 302
    assert ApprovalRequest.objects.get(pk=opening.approval.pk).status == ApprovalStatus.REJECTED


def test_the_api_approve_takes_answers_and_names_the_missing_ones(owner, owner_client):
    approval = asking(owner).approval

    missing = owner_client.post(
        f"/api/approvals/{approval.pk}/approve/", {"answers": {"Years of Python": "12"}}, "json"
    )
    answered = owner_client.post(
        f"/api/approvals/{approval.pk}/approve/",
        {"answers": {"Years of Python": "12", "Do you need a visa?": "Yes"}},
        "json",
    )

    assert missing.status_code == 400
    assert missing.json()["error"] == "answers_missing"
    assert "Do you need a visa?" in missing.json()["detail"]
    assert missing.json()["missing"] == ["Do you need a visa?"]
    assert answered.status_code == 200
    assert Profile.objects.get(user=owner).answers["Do you need a visa?"] == "Yes"


def test_an_auto_approve_rule_holds_a_request_with_unanswered_questions_for_a_person(owner):
    rule_save(
        user=owner, name="anything", conditions=[{"field": "task.priority", "op": ">=", "value": 0}]
    )

    approval = asking(owner).approval
    answered = pending_review(owner, url="https://jobs.lever.co/acme/5678-efgh").approval

    assert ApprovalRequest.objects.get(pk=approval.pk).status == ApprovalStatus.PENDING
    assert ApprovalRequest.objects.get(pk=answered.pk).status == ApprovalStatus.APPROVED
