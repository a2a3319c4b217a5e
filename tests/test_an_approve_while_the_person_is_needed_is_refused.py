"""A request whose task waits for the person's answer, or is being filled in again after it,
cannot be approved yet: the API answers 409 `not_ready`, and the review page offers the answer
form instead of Approve and answers a posted approve with a page that says why (409). A
rejection while the person is asked ends the application."""

import pytest
from django.test import Client

from applications.models import ApplicationTask, TaskState
from applications.services import run_create, task_transition
from approvals.models import ApprovalRequest, ApprovalStatus
from approvals.services import approval_create
from tests.reviews import URL, post_as_the_page

pytestmark = pytest.mark.django_db

PROMPT = "Enter the code we sent to your phone."


def waiting(owner):
    task = run_create(user=owner, job_urls=[URL]).tasks[0]
    task_transition(task=task, transition="claim", actor="test")
    task_transition(task=task, transition="hand_off", actor="test")
    handoff = {"kind": "code", "prompt": PROMPT, "step": "login", "answer": None}
    ApplicationTask.objects.filter(pk=task.pk).update(checkpoint={"handoff": handoff})
    task.refresh_from_db()
    return approval_create(task=task)


def test_the_api_refuses_an_approve_with_409_not_ready(owner, owner_client):
    opening = waiting(owner)

    response = owner_client.post(f"/api/approvals/{opening.approval.pk}/approve/")

    assert response.status_code == 409
    assert response.json()["error"] == "not_ready"
    assert PROMPT in response.json()["detail"]


def test_the_page_asks_for_the_answer_and_refuses_a_posted_approve_with_a_clear_page(owner):
    opening = waiting(owner)
    token = opening.applicant_token

    page = Client().get(f"/approve/{token}/").content.decode()
    refused = post_as_the_page(token, {"decision": "approve"})

    assert PROMPT in page
    assert 'id="answer"' in page and 'value="approve"' not in page
    assert refused.status_code == 409
    assert "This application is waiting for you" in refused.content.decode()
    assert ApprovalRequest.objects.get(pk=opening.approval.pk).status == ApprovalStatus.PENDING


def test_a_rejection_while_the_person_is_asked_ends_the_application(owner):
    opening = waiting(owner)

    assert post_as_the_page(opening.applicant_token, {"decision": "reject"}).status_code == 302
    task = ApplicationTask.objects.get(pk=opening.approval.task_id)
    assert task.state == TaskState.REJECTED
