"""Approvals through the API: deciding by link and signed in, twice, too late, or not yours."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from applications.models import ApplicationTask, TaskState
from applications.services import run_create, task_transition
from approvals.models import ApprovalRequest, ApprovalStatus, token_hash
from approvals.services import approval_create, approvals_time_out_due


@pytest.fixture
def pending(owner):
    """A task of the owner's, prepared and waiting for approval, and its link's token."""
    result = run_create(user=owner, job_urls=["https://jobs.lever.co/acme/1234-abcd"])
    task = result.tasks[0]
    task_transition(task=task, transition="claim", actor="test")
    task_transition(task=task, transition="prepared", actor="test")
    opening = approval_create(task=task)
    approval, token = opening.approval, opening.applicant_token
    return approval, token


def state(approval: ApprovalRequest) -> tuple[str, str]:
    approval = ApprovalRequest.objects.select_related("task").get(pk=approval.pk)
    return approval.status, approval.task.state


def test_the_token_is_stored_only_as_a_hash(pending):
    approval, token = pending
    assert len(token) >= 43  # 256 bits, URL-safe base64
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT row_to_json(l)::text || row_to_json(r)::text FROM approvals_approvallink l"
            " JOIN approvals_approvalrequest r ON r.id = l.request_id WHERE r.id = %s",
            [approval.pk],
        )
        stored = cursor.fetchone()[0]
    assert token_hash(token) in stored
    assert token not in stored


def test_approve_by_link(pending, django_capture_on_commit_callbacks):
    approval, token = pending
    with django_capture_on_commit_callbacks() as callbacks:
        response = APIClient().post(f"/api/approvals/by-token/{token}/approve/")

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert state(approval) == (ApprovalStatus.APPROVED, TaskState.APPROVED)
    assert len(callbacks) == 1  # the submit message, published on commit


def test_reject_while_signed_in(pending, owner_client):
    approval, _ = pending
    response = owner_client.post(f"/api/approvals/{approval.pk}/reject/")

    assert response.status_code == 200
    assert state(approval) == (ApprovalStatus.REJECTED, TaskState.REJECTED)


def test_deciding_twice_is_a_conflict_and_changes_nothing(pending, owner_client):
    approval, token = pending
    assert owner_client.post(f"/api/approvals/{approval.pk}/approve/").status_code == 200

    response = APIClient().post(f"/api/approvals/by-token/{token}/reject/")

    assert response.status_code == 409
    assert response.json() == {
        "error": "approval_closed",
        "detail": "This approval is already approved.",
    }
    assert state(approval) == (ApprovalStatus.APPROVED, TaskState.APPROVED)


def test_deciding_after_the_deadline_expires_it(pending, owner_client):
    approval, _ = pending
    ApprovalRequest.objects.filter(pk=approval.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    response = owner_client.post(f"/api/approvals/{approval.pk}/approve/")

    assert response.status_code == 410
    assert response.json()["error"] == "approval_expired"
    assert state(approval) == (ApprovalStatus.EXPIRED, TaskState.EXPIRED)


def test_an_unknown_link_is_404(db):
    response = APIClient().post("/api/approvals/by-token/not-a-real-token/approve/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_another_users_approval_is_404_and_untouched(pending, outsider_client):
    approval, _ = pending
    assert outsider_client.post(f"/api/approvals/{approval.pk}/approve/").status_code == 404
    assert outsider_client.get("/api/approvals/").json()["count"] == 0
    assert state(approval) == (ApprovalStatus.PENDING, TaskState.PENDING_APPROVAL)


def test_list_filters_by_status_and_refuses_an_unknown_one(pending, owner_client):
    assert owner_client.get("/api/approvals/?status=pending").json()["count"] == 1
    assert owner_client.get("/api/approvals/?status=approved").json()["count"] == 0
    response = owner_client.get("/api/approvals/?status=maybe")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_the_expiry_sweep_expires_due_approvals_once(pending):
    approval, _ = pending
    ApprovalRequest.objects.filter(pk=approval.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert approvals_time_out_due() == 1
    assert approvals_time_out_due() == 0
    assert state(approval) == (ApprovalStatus.EXPIRED, TaskState.EXPIRED)
    assert ApplicationTask.objects.get(pk=approval.task_id).finished_at is not None
