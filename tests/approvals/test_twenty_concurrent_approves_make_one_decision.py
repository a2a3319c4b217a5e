"""Twenty approves of one request at the same moment, each by its own connection: one
decision, one submit published; the others are told 409."""

import pytest
from rest_framework.test import APIClient

from applications.models import TaskEvent
from approvals.models import ApprovalDecision, ApprovalStatus, AuditEntry
from tests.approvals.conftest import at_once, submits_published


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_approves_make_one_decision(request_under, broker):
    opening = request_under()
    token = opening.applicant_token

    answers = at_once(
        20,
        lambda _: (
            APIClient()
            .post(f"/api/approvals/by-token/{token}/approve/", {"comment": "go"}, format="json")
            .status_code
        ),
    )

    assert sorted(answers) == [200] + [409] * 19
    approval = opening.approval
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED
    assert ApprovalDecision.objects.filter(request=approval).count() == 1
    assert AuditEntry.objects.filter(request=approval, action="approved").count() == 1
    assert TaskEvent.objects.filter(task_id=approval.task_id, transition="approve").count() == 1
    assert [message["args"][0] for message in submits_published()] == [approval.task_id]
