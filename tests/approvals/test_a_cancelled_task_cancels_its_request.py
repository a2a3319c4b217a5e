"""A cancelled task cancels its request and kills its links: every link then answers 410."""

import pytest
from rest_framework.test import APIClient

from applications.services import task_cancel
from approvals.models import ApprovalStatus, AuditEntry


@pytest.mark.django_db
def test_a_cancelled_task_cancels_its_request_and_kills_its_links(request_under, people):
    opening = request_under(allowed_approvers=["ann"])
    approval = opening.approval

    task_cancel(task=approval.task, actor="owner", reason="found another job")

    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.CANCELLED
    entry = AuditEntry.objects.get(request=approval, action="cancelled")
    assert (entry.actor, entry.comment) == ("owner", "found another job")
    for _, token in opening.links:
        response = APIClient().post(f"/api/approvals/by-token/{token}/approve/")
        assert response.status_code == 410
        assert response.json()["error"] == "approval_expired"
