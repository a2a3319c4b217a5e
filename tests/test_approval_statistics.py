"""A user's approval statistics over a range: counts and rates of approvals, rejections,
timeouts (expired, or approved by the timeout) and cancellations, the mean and median decision
time, and the open requests that are urgent or expiring; in one statement; a bad or reversed
range is a 400."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import TaskState
from approvals import selectors
from approvals.models import ApprovalRequest, ApprovalStatus
from tests.factories import RunFactory, TaskFactory

pytestmark = pytest.mark.django_db


def request(
    user, status, *, age=timedelta(days=1), decided_after=None, left=timedelta(hours=5), outcome=""
):
    task = TaskFactory(run=RunFactory(user=user), state=TaskState.PENDING_APPROVAL)
    now = timezone.now()
    approval = ApprovalRequest.objects.create(
        task=task, user=user, status=status, expires_at=now + left, outcome=outcome
    )
    ApprovalRequest.objects.filter(pk=approval.pk).update(
        created_at=now - age,
        decided_at=now - age + decided_after if decided_after is not None else None,
    )
    return approval


@pytest.fixture
def history(owner, outsider):
    request(owner, ApprovalStatus.APPROVED, decided_after=timedelta(seconds=60))
    request(owner, ApprovalStatus.APPROVED, decided_after=timedelta(seconds=120))
    request(owner, ApprovalStatus.REJECTED, decided_after=timedelta(seconds=600))
    request(owner, ApprovalStatus.EXPIRED, decided_after=timedelta(seconds=1200))
    request(
        owner,
        ApprovalStatus.APPROVED,
        decided_after=timedelta(seconds=1200),
        outcome="no decision in time: approved, as the policy says",
    )
    request(owner, ApprovalStatus.CANCELLED, decided_after=timedelta(seconds=5))
    request(owner, ApprovalStatus.PENDING, age=timedelta(minutes=10), left=timedelta(minutes=10))
    request(owner, ApprovalStatus.ESCALATED, age=timedelta(minutes=10), left=timedelta(minutes=40))
    request(owner, ApprovalStatus.PENDING, age=timedelta(days=40), left=timedelta(hours=3))
    request(outsider, ApprovalStatus.APPROVED, decided_after=timedelta(seconds=1))


def test_the_statistics_of_the_last_30_days(history, owner_client):
    response = owner_client.get("/api/approvals/stats/")

    assert response.status_code == 200
    body = response.json()
    counts = {
        name: body[name] for name in ("total", "approved", "rejected", "timed_out", "cancelled")
    }
    assert counts == {"total": 8, "approved": 2, "rejected": 1, "timed_out": 2, "cancelled": 1}
    assert (body["approval_rate"], body["timeout_rate"]) == (0.25, 0.25)
    assert (body["rejection_rate"], body["cancellation_rate"]) == (0.125, 0.125)
    # Over the two approvals and the rejection: 60, 120 and 600 seconds.
    assert body["mean_decision_seconds"] == pytest.approx(260.0)
    assert body["median_decision_seconds"] == pytest.approx(120.0)
    assert (body["pending"], body["urgent"], body["expiring"]) == (3, 1, 2)


def test_a_range_counts_the_requests_made_in_it(history, owner_client):
    today = timezone.now().date()
    body = owner_client.get(f"/api/approvals/stats/?since={today}&until={today}").json()

    assert body["total"] == 2
    assert body["approval_rate"] == 0.0
    assert body["mean_decision_seconds"] is None
    assert body["pending"] == 3


def test_the_statistics_are_read_in_one_statement(history, owner):
    with CaptureQueriesContext(connection) as queries:
        selectors.approval_stats(user=owner)

    assert len(queries) == 1
    assert "percentile_cont(0.5) WITHIN GROUP" in queries[0]["sql"]


@pytest.mark.parametrize(
    "query",
    [
        "since=yesterday",
        "until=2026-02-30",
        "since=2026-03-01&until=2026-02-01",
        "since=2026-03-01T10:00Z&until=2026-03-01T10:00Z",
        "since=0001-01-01",
    ],
)
def test_a_bad_or_reversed_range_is_a_400(owner_client, query):
    response = owner_client.get(f"/api/approvals/stats/?{query}")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
