"""Each approver's link decides as that approver only, and a link whose approver is no longer
one of the request's cannot decide (403), by the page's forms or otherwise."""

import pytest
from django.test import Client

from approvals.models import ApprovalRequest, ApprovalStatus
from tests.factories import UserFactory
from tests.reviews import every_row, pending_review, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_approvers(owner):
    UserFactory(username="grace")
    return pending_review(owner, allowed_approvers=["grace"], require_min_approvers=2)


def test_another_approvers_token_decides_as_that_approver_only(two_approvers):
    grace_token = token_of(two_approvers, "grace")

    response = Client().post(f"/approve/{grace_token}/", {"decision": "approve"})

    assert response.status_code == 302
    approval = ApprovalRequest.objects.get(pk=two_approvers.approval.pk)
    assert approval.status == ApprovalStatus.PENDING
    [decision] = approval.decisions.all()
    assert decision.label == "grace"
    assert decision.link.label == "grace"
    grace_page = Client().get(f"/approve/{grace_token}/").content.decode()
    owner_page = Client().get(f"/approve/{two_approvers.applicant_token}/").content.decode()
    assert "You approved — waiting for the other approvers" in grace_page
    assert 'name="decision"' not in grace_page
    assert "Waiting for your decision" in owner_page
    assert 'name="decision"' in owner_page


def test_an_approver_taken_off_the_request_gets_a_403_page_and_decides_nothing(two_approvers):
    approval = two_approvers.approval
    policy = dict(approval.policy)
    policy["approvers"] = [a for a in policy["approvers"] if a["label"] != "grace"]
    policy["required"] = 1
    ApprovalRequest.objects.filter(pk=approval.pk).update(policy=policy)
    grace_token = token_of(two_approvers, "grace")
    before = every_row()

    shown = Client().get(f"/approve/{grace_token}/")
    decided = Client().post(f"/approve/{grace_token}/", {"decision": "approve"})

    assert shown.status_code == 403
    assert "You cannot decide on this application" in shown.content.decode()
    assert 'name="decision"' not in shown.content.decode()
    assert decided.status_code == 403
    assert "You are not one of the approvers of this application." in decided.content.decode()
    assert every_row() == before
