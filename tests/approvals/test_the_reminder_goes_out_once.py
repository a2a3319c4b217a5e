"""One reminder, when a fifth of the time is left, to each approver who has not decided, with
their own link; a second sweep (or a second beat) sends nothing more."""

import logging

import pytest
from django.utils import timezone

from approvals.models import ApprovalRequest, AuditEntry
from approvals.services import approvals_remind_due
from tests.approvals.conftest import at_once, token_of


@pytest.mark.django_db(transaction=True)
def test_the_reminder_goes_out_once_to_who_has_not_decided(request_under, people):
    from rest_framework.test import APIClient

    opening = request_under(allowed_approvers=["ann", "bob"], require_all=True, ttl_seconds=600)
    approval = opening.approval
    # The reminder is due at four fifths of the time.
    assert (approval.remind_at - approval.created_at).total_seconds() == pytest.approx(480, 1)
    APIClient().post(f"/api/approvals/by-token/{token_of(opening, 'ann')}/approve/")
    ApprovalRequest.objects.filter(pk=approval.pk).update(remind_at=timezone.now())

    assert sorted(at_once(2, lambda _: approvals_remind_due())) == [0, 1]

    reminded = AuditEntry.objects.get(request=approval, action="reminded")
    assert sorted(reminded.data["to"]) == ["bob", "owner"]
    assert approvals_remind_due() == 0
    approval.refresh_from_db()
    assert approval.remind_at is None


@pytest.mark.django_db
def test_a_decided_request_is_not_reminded(request_under, caplog):
    from rest_framework.test import APIClient

    opening = request_under()
    APIClient().post(f"/api/approvals/by-token/{opening.applicant_token}/reject/")
    ApprovalRequest.objects.filter(pk=opening.approval.pk).update(remind_at=timezone.now())
    with caplog.at_level(logging.INFO):
        assert approvals_remind_due() == 0
