"""Each timeout action does what it says exactly once, with two sweeps running at the same
moment (as two beat processes would): approve submits, reject ends the task and gives its lock
back, escalate sends new links, extends the deadline once, and ends the request at the second
deadline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import Application, ApplicationStatus, TaskState
from approvals.models import ApprovalLink, ApprovalRequest, ApprovalStatus, AuditEntry
from approvals.services import approvals_time_out_due
from tests.approvals.conftest import at_once, submits_published


def make_due(approval: ApprovalRequest) -> None:
    ApprovalRequest.objects.filter(pk=approval.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


def sweep_twice_at_once() -> list[int]:
    return at_once(2, lambda _: approvals_time_out_due())


def outcome(approval: ApprovalRequest) -> tuple[str, str]:
    approval.refresh_from_db()
    approval.task.refresh_from_db()
    return approval.status, approval.task.state


@pytest.mark.django_db(transaction=True)
def test_a_reject_timeout_ends_the_task_once(request_under, broker):
    approval = request_under(timeout_action="reject").approval
    Application.objects.create(
        user=approval.user,
        job=approval.task.job,
        status=ApplicationStatus.IN_PROGRESS,
        claimed_by_task=approval.task,
    )
    make_due(approval)

    assert sorted(sweep_twice_at_once()) == [0, 1]

    assert outcome(approval) == (ApprovalStatus.EXPIRED, TaskState.EXPIRED)
    assert AuditEntry.objects.filter(request=approval, action="timed_out").count() == 1
    assert not Application.objects.filter(status=ApplicationStatus.IN_PROGRESS).exists()
    assert submits_published() == []
    assert approvals_time_out_due() == 0


@pytest.mark.django_db(transaction=True)
def test_an_approve_timeout_submits_once(request_under, broker):
    approval = request_under(timeout_action="approve").approval
    make_due(approval)

    assert sorted(sweep_twice_at_once()) == [0, 1]

    assert outcome(approval) == (ApprovalStatus.APPROVED, TaskState.APPROVED)
    assert [message["args"][0] for message in submits_published()] == [approval.task_id]
    entry = AuditEntry.objects.get(request=approval, action="timed_out")
    assert entry.new_status == ApprovalStatus.APPROVED
    assert approvals_time_out_due() == 0


@pytest.mark.django_db(transaction=True)
def test_an_escalation_sends_new_links_extends_once_then_ends(request_under, people, broker):
    approval = request_under(
        timeout_action="escalate", escalate_to=["bob"], escalation_extension_seconds=600
    ).approval
    make_due(approval)

    assert sorted(sweep_twice_at_once()) == [0, 1]

    assert outcome(approval) == (ApprovalStatus.ESCALATED, TaskState.PENDING_APPROVAL)
    extended = approval.expires_at - timezone.now()
    assert timedelta(seconds=590) < extended <= timedelta(seconds=600)
    escalation = ApprovalLink.objects.get(request=approval, escalation=True)
    assert escalation.label == "bob"
    assert AuditEntry.objects.filter(request=approval, action="escalated").count() == 1

    # The second deadline: the final action, rejection; no second extension.
    make_due(approval)
    assert sorted(sweep_twice_at_once()) == [0, 1]
    assert outcome(approval) == (ApprovalStatus.EXPIRED, TaskState.EXPIRED)
    assert ApprovalLink.objects.filter(request=approval, escalation=True).count() == 1
    assert AuditEntry.objects.filter(request=approval, action="escalated").count() == 1
    assert AuditEntry.objects.filter(request=approval, action="timed_out").count() == 1
    assert submits_published() == []


@pytest.mark.django_db
def test_an_escalation_approver_decides_alone(request_under, people):
    from rest_framework.test import APIClient

    from approvals.services.tokens import token_unseal

    approval = request_under(
        timeout_action="escalate",
        escalate_to=["bob"],
        allowed_approvers=["ann"],
        require_all=True,
    ).approval
    make_due(approval)
    approvals_time_out_due()
    link = ApprovalLink.objects.get(request=approval, escalation=True)

    response = APIClient().post(
        f"/api/approvals/by-token/{token_unseal(link.sealed_token)}/approve/"
    )

    assert response.status_code == 200
    assert outcome(approval) == (ApprovalStatus.APPROVED, TaskState.APPROVED)
