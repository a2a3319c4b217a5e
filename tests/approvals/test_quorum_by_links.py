"""Two of three by three links: one approval leaves the request pending, the second approves;
a rejection rejects at once; `require_all` waits for everyone; a person not allowed gets 403
and nothing changes."""

import pytest
from rest_framework.test import APIClient

from applications.models import TaskState
from approvals.models import ApprovalDecision, ApprovalStatus
from tests.approvals.conftest import submits_published, token_of


def decide(token: str, verb: str = "approve", comment: str = ""):
    return APIClient().post(
        f"/api/approvals/by-token/{token}/{verb}/", {"comment": comment}, format="json"
    )


def states(opening) -> tuple[str, str]:
    approval = opening.approval
    approval.refresh_from_db()
    approval.task.refresh_from_db()
    return approval.status, approval.task.state


@pytest.fixture
def two_of_three(request_under, people):
    return request_under(allowed_approvers=["ann", "bob"], require_min_approvers=2)


@pytest.mark.django_db
def test_every_approver_gets_their_own_link(two_of_three):
    assert sorted(link.label for link, _ in two_of_three.links) == ["ann", "bob", "owner"]
    assert len({token for _, token in two_of_three.links}) == 3


@pytest.mark.django_db(transaction=True)
def test_one_approval_of_two_needed_leaves_it_pending_and_the_second_approves(two_of_three, broker):
    first = decide(token_of(two_of_three, "ann"), comment="fine by me")
    assert first.status_code == 200
    assert states(two_of_three) == (ApprovalStatus.PENDING, TaskState.PENDING_APPROVAL)
    assert submits_published() == []

    second = decide(token_of(two_of_three, "owner"))
    assert second.status_code == 200
    assert states(two_of_three) == (ApprovalStatus.APPROVED, TaskState.APPROVED)
    # Decided by the owner's link: the owner's account, though not signed in.
    assert two_of_three.approval.decided_by_id == two_of_three.approval.user_id
    assert len(submits_published()) == 1
    decisions = ApprovalDecision.objects.filter(request=two_of_three.approval)
    assert [(d.label, d.approve, d.comment) for d in decisions] == [
        ("ann", True, "fine by me"),
        ("owner", True, ""),
    ]


@pytest.mark.django_db
def test_a_link_decides_once(two_of_three):
    assert decide(token_of(two_of_three, "ann")).status_code == 200
    again = decide(token_of(two_of_three, "ann"))
    assert again.status_code == 409
    assert ApprovalDecision.objects.filter(request=two_of_three.approval).count() == 1


@pytest.mark.django_db
def test_a_rejection_by_an_approver_rejects_at_once(two_of_three):
    assert decide(token_of(two_of_three, "ann")).status_code == 200
    assert decide(token_of(two_of_three, "bob"), "reject", "not this one").status_code == 200
    assert states(two_of_three) == (ApprovalStatus.REJECTED, TaskState.REJECTED)
    assert decide(token_of(two_of_three, "owner")).status_code == 409


@pytest.mark.django_db
def test_require_all_waits_for_everyone(request_under, people):
    opening = request_under(allowed_approvers=["ann", "bob"], require_all=True)
    for label in ("bob", "owner"):
        assert decide(token_of(opening, label)).status_code == 200
        assert states(opening)[0] == ApprovalStatus.PENDING
    assert decide(token_of(opening, "ann")).status_code == 200
    assert states(opening) == (ApprovalStatus.APPROVED, TaskState.APPROVED)


@pytest.mark.django_db
def test_a_person_not_allowed_gets_403_and_nothing_changes(request_under, people):
    opening = request_under(allowed_approvers=["ann"], applicant_may_approve=False)
    assert [link.label for link, _ in opening.links] == ["ann"]
    owner = APIClient()
    owner.force_authenticate(people["owner"])

    refused = owner.post(f"/api/approvals/{opening.approval.pk}/approve/")

    assert refused.status_code == 403
    assert refused.json()["error"] == "not_an_approver"
    assert states(opening) == (ApprovalStatus.PENDING, TaskState.PENDING_APPROVAL)
    assert not ApprovalDecision.objects.exists()


@pytest.mark.django_db
def test_another_approver_signed_in_decides_as_themselves(request_under, people):
    opening = request_under(allowed_approvers=["ann"])
    ann = APIClient()
    ann.force_authenticate(people["ann"])
    assert ann.post(f"/api/approvals/{opening.approval.pk}/approve/").status_code == 200
    assert ApprovalDecision.objects.get().label == "ann"


@pytest.mark.django_db
def test_someone_who_is_no_approver_does_not_find_the_request(request_under, people):
    opening = request_under(allowed_approvers=["ann"])
    bob = APIClient()
    bob.force_authenticate(people["bob"])
    assert bob.post(f"/api/approvals/{opening.approval.pk}/approve/").status_code == 404
    assert states(opening)[0] == ApprovalStatus.PENDING
