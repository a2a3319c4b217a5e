"""An approve racing the deadline's sweep: one outcome, recorded once, whichever wins."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.models import ApprovalRequest, ApprovalStatus, AuditEntry
from approvals.services import approvals_time_out_due
from tests.approvals.conftest import at_once, submits_published


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(6))
def test_approve_at_the_moment_of_expiry_has_one_outcome(request_under, broker, round_):
    opening = request_under()
    approval = opening.approval
    # Due the moment the two start.
    ApprovalRequest.objects.filter(pk=approval.pk).update(expires_at=timezone.now())
    token = opening.applicant_token

    def work(number: int):
        if number == 0:
            return approvals_time_out_due()
        return APIClient().post(f"/api/approvals/by-token/{token}/approve/").status_code

    swept, answer = at_once(2, work)

    approval.refresh_from_db()
    closings = AuditEntry.objects.filter(
        request=approval, action__in=["approved", "timed_out"]
    ).count()
    assert closings == 1
    # The deadline has passed either way: the approve is refused and the request expires.
    assert answer == 410
    assert approval.status == ApprovalStatus.EXPIRED
    assert swept in (0, 1)
    assert submits_published() == []


@pytest.mark.django_db(transaction=True)
def test_an_approve_just_before_the_deadline_wins_and_the_sweep_does_nothing(request_under, broker):
    opening = request_under()
    approval = opening.approval
    ApprovalRequest.objects.filter(pk=approval.pk).update(
        expires_at=timezone.now() + timedelta(seconds=2)
    )
    response = APIClient().post(f"/api/approvals/by-token/{opening.applicant_token}/approve/")
    ApprovalRequest.objects.filter(pk=approval.pk).update(expires_at=timezone.now())

    assert response.status_code == 200
    assert approvals_time_out_due() == 0
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED
    assert len(submits_published()) == 1
