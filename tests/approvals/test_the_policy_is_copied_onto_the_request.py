"""The policy in force is copied onto the request when it is made: changing the policy later
never changes a request already sent."""

import pytest
from rest_framework.test import APIClient

from approvals.models import ApprovalStatus
from approvals.services import policy_save
from tests.approvals.conftest import token_of


@pytest.mark.django_db
def test_a_policy_changed_after_the_request_does_not_change_it(request_under, people, owner):
    opening = request_under(allowed_approvers=["ann"], require_min_approvers=2, ttl_seconds=900)
    policy_save(user=owner, allowed_approvers=[], require_min_approvers=1, ttl_seconds=60)

    APIClient().post(f"/api/approvals/by-token/{token_of(opening, 'ann')}/approve/")

    approval = opening.approval
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING
    assert approval.policy["required"] == 2
    assert (approval.expires_at - approval.created_at).total_seconds() == pytest.approx(900, 1)


@pytest.mark.django_db
def test_a_runs_policy_wins_over_the_users(request_under, owner):
    from applications.models import TaskState
    from approvals.services import approval_create
    from tests.factories import RunFactory, TaskFactory

    policy_save(user=owner, ttl_seconds=300)
    run = RunFactory(user=owner)
    policy_save(user=owner, run=run, ttl_seconds=3600)

    approval = approval_create(task=TaskFactory(run=run, state=TaskState.PENDING_APPROVAL)).approval

    assert approval.policy["ttl_seconds"] == 3600
    assert approval.policy["source"] == "run"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "complaint"),
    [
        ({"timeout_action": "ignore"}, "timeout_action"),
        ({"allowed_approvers": ["nobody-by-that-name"]}, "no account nor e-mail"),
        ({"require_min_approvers": 3}, "require_min_approvers"),
        ({"timeout_action": "escalate"}, "escalate_to"),
        ({"ttl_seconds": 5}, "ttl_seconds"),
        ({"notify": ["carrier-pigeon"]}, "notify"),
        ({"applicant_may_approve": False}, "Nobody may approve"),
    ],
)
def test_a_policy_that_cannot_work_is_refused(owner, fields, complaint):
    from approvals.exceptions import PolicyInvalid
    from approvals.models import ApprovalPolicy

    with pytest.raises(PolicyInvalid, match=complaint):
        policy_save(user=owner, **fields)
    assert not ApprovalPolicy.objects.exists()
