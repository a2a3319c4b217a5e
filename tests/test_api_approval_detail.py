"""One approval request in full: its decisions, the policy it was sent under, who was sent a
link (never the link) and its audit log; for its applicant and its approvers, not for others."""

import pytest
from rest_framework.test import APIClient

from applications.services import applicant_create, run_create, task_transition
from approvals.models import ApprovalLink
from approvals.services import approval_create, policy_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval(owner, outsider):
    """A request of the owner's that the outsider may approve too, the outsider approved."""
    policy_save(user=owner, allowed_approvers=["outsider"], require_min_approvers=2)
    task = run_create(user=owner, job_urls=["https://jobs.lever.co/acme/1234-abcd"]).tasks[0]
    task_transition(task=task, transition="claim", actor="test")
    task_transition(task=task, transition="prepared", actor="test")
    return approval_create(task=task)


def test_the_applicant_sees_decisions_policy_approvers_and_audit(
    approval, owner_client, outsider_client
):
    opening = approval
    outsider_client.post(
        f"/api/approvals/{opening.approval.pk}/approve/", {"comment": "fine by me"}, format="json"
    )

    response = owner_client.get(f"/api/approvals/{opening.approval.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "pending"
    assert [(d["approver"], d["approve"], d["comment"]) for d in body["decisions"]] == [
        ("outsider", True, "fine by me")
    ]
    assert body["policy"]["required"] == 2
    assert body["policy"]["approvers"] == ["owner", "outsider"]
    assert [approver["label"] for approver in body["approvers"]] == ["owner", "outsider"]
    assert [entry["action"] for entry in body["audit"] if entry["action"] != "notified"] == [
        "created",
        "decided",
    ]
    text = response.content.decode()
    for link, token in opening.links:
        assert token not in text
        assert link.token_hash not in text
        assert ApprovalLink.objects.get(pk=link.pk).sealed_token not in text
    assert "o@example.com" not in text


def test_a_listed_approver_sees_it_and_anyone_else_does_not(approval, outsider_client):
    _, token = applicant_create(username="stranger", password="stranger-pass")
    stranger_client = APIClient()
    stranger_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert outsider_client.get(f"/api/approvals/{approval.approval.pk}/").status_code == 200
    stranger = stranger_client.get(f"/api/approvals/{approval.approval.pk}/")
    assert stranger.status_code == 404
    assert stranger.json()["error"] == "not_found"
