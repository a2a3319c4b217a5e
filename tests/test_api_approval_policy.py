"""A user's default approval policy and a run's own through the API: shown with its approvers
resolved, replaced and changed; a policy that cannot work is refused and nothing changes; another
user's run is not found."""

import pytest

from applications.services import run_create
from approvals.models import ApprovalPolicy

pytestmark = pytest.mark.django_db

POLICY = "/api/approval-policy/"


def test_the_defaults_are_shown_until_a_policy_is_saved(owner_client):
    body = owner_client.get(POLICY).json()

    assert (body["saved"], body["run"], body["timeout_action"]) == (False, None, "reject")
    assert body["approvers"] == [{"label": "owner", "account": True}]


def test_a_put_saves_the_policy_with_its_approvers_resolved(owner, outsider, owner_client):
    response = owner_client.put(
        POLICY,
        {
            "allowed_approvers": ["outsider", "boss@example.com"],
            "require_min_approvers": 2,
            "timeout_action": "escalate",
            "escalate_to": ["boss@example.com"],
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True
    assert body["approvers"] == [
        {"label": "owner", "account": True},
        {"label": "outsider", "account": True},
        {"label": "boss@example.com", "account": False},
    ]
    assert body["escalation_approvers"] == [{"label": "boss@example.com", "account": False}]
    stored = ApprovalPolicy.objects.get(user=owner, run=None)
    assert (stored.require_min_approvers, stored.timeout_action) == (2, "escalate")


def test_a_policy_that_cannot_work_is_refused_and_nothing_changes(owner, owner_client):
    owner_client.put(POLICY, {"ttl_seconds": 600}, format="json")

    response = owner_client.patch(
        POLICY, {"ttl_seconds": 900, "require_min_approvers": 3}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert "require_min_approvers must be between 1 and 1" in response.json()["detail"]
    assert ApprovalPolicy.objects.get(user=owner).ttl_seconds == 600


def test_a_runs_policy_is_its_own_and_another_users_run_is_not_found(
    owner, owner_client, outsider_client
):
    run = run_create(user=owner, job_urls=["https://jobs.lever.co/acme/1234-abcd"]).run
    path = f"/api/runs/{run.pk}/approval-policy/"

    saved = owner_client.patch(path, {"timeout_action": "approve"}, format="json")

    assert saved.status_code == 200
    assert (saved.json()["run"], saved.json()["timeout_action"]) == (run.pk, "approve")
    assert owner_client.get(POLICY).json()["timeout_action"] == "reject"
    assert outsider_client.get(path).status_code == 404
    assert outsider_client.put(path, {"timeout_action": "reject"}, format="json").status_code == 404
    assert ApprovalPolicy.objects.get(run=run).timeout_action == "approve"
