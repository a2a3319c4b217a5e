"""GET /api/approvals/{id}/wait/ answers the moment the approval is decided, woken by its event
(not by reading the row again), and answers it still pending once the timeout has passed."""

import time

import pytest

from approvals import waits
from approvals.models import ApprovalStatus
from approvals.services import approval_decide
from tests.waiting import Waiter, open_approval, wait_until


@pytest.fixture
def counted_reads(monkeypatch):
    """How many times a waiter has read its row so far."""
    reads = []
    read = waits.read_approval

    async def counting(user_id: int, approval_id: int):
        answer = await read(user_id, approval_id)
        reads.append(answer["status"] if answer else None)
        return answer

    monkeypatch.setattr(waits, "read_approval", counting)
    return reads


def test_a_waiter_answers_the_decision_as_soon_as_it_is_made(
    transactional_db, owner_and_token, counted_reads, settings
):
    owner, token = owner_and_token
    # Reading the row again would take this long: an answer sooner came from the event.
    settings.WAKEUP_FALLBACK_SECONDS = 30
    approval = open_approval(owner)
    waiter = Waiter(token, approval.pk, timeout=20)
    waiter.start()
    wait_until(lambda: counted_reads == ["pending"], message="the waiter did not read its row")

    decided_at = time.monotonic()
    approval_decide(approval_id=approval.pk, user=owner, approve=False)

    response = waiter.result()
    assert response.status_code == 200
    assert response.json()["status"] == ApprovalStatus.REJECTED
    assert response.json()["task_state"] == "rejected"
    assert waiter.answered_at - decided_at < 1.0
    assert counted_reads == ["pending", "rejected"]


def test_an_undecided_approval_is_answered_pending_at_the_timeout(
    transactional_db, owner_and_token
):
    owner, token = owner_and_token
    approval = open_approval(owner)

    started = time.monotonic()
    waiter = Waiter(token, approval.pk, timeout=0.5)
    waiter.start()
    response = waiter.result()

    assert response.status_code == 200
    assert response.json()["id"] == approval.pk
    assert response.json()["status"] == ApprovalStatus.PENDING
    assert 0.5 <= waiter.answered_at - started < 3.0
