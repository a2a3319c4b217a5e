"""The approval list filters by each status, escalated and cancelled among them, and by whether
a request is still open."""

import pytest
from django.utils import timezone

from applications.models import TaskState
from approvals.models import ApprovalRequest, ApprovalStatus
from tests.factories import RunFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests(owner):
    made = {}
    for status in ApprovalStatus.values:
        task = TaskFactory(run=RunFactory(user=owner), state=TaskState.PENDING_APPROVAL)
        made[status] = ApprovalRequest.objects.create(
            task=task, user=owner, status=status, expires_at=timezone.now()
        ).pk
    return made


@pytest.mark.parametrize("status", ApprovalStatus.values)
def test_each_status_filters(requests, owner_client, status):
    body = owner_client.get(f"/api/approvals/?status={status}").json()

    assert [approval["id"] for approval in body["results"]] == [requests[status]]


def test_open_filters_the_pending_and_escalated(requests, owner_client):
    opened = owner_client.get("/api/approvals/?open=true").json()["results"]
    ended = owner_client.get("/api/approvals/?open=false").json()["results"]

    assert {approval["status"] for approval in opened} == {"pending", "escalated"}
    assert {approval["status"] for approval in ended} == {
        "approved",
        "rejected",
        "expired",
        "cancelled",
    }


def test_an_empty_open_filter_is_refused(requests, owner_client):
    response = owner_client.get("/api/approvals/?open=")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
