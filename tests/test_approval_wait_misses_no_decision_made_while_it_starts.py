"""A decision made as a waiter starts is never missed (the lost wake-up): made just before the
waiter listens, the waiter's read of the row finds it; made between its listening and its read,
the read finds it too. Were the row read before listening, a decision committed in between would
be published to nobody and the waiter would sleep until its timeout."""

import time

import pytest
from asgiref.sync import sync_to_async

from approvals import waits
from approvals.models import ApprovalStatus
from approvals.services import approval_decide
from tests.waiting import Waiter, open_approval

TIMEOUT = 10


def test_a_decision_made_just_before_the_waiter_listens_is_answered_at_once(
    transactional_db, owner_and_token
):
    owner, token = owner_and_token
    approval = open_approval(owner)
    approval_decide(approval_id=approval.pk, user=owner, approve=True)

    started = time.monotonic()
    waiter = Waiter(token, approval.pk, timeout=TIMEOUT)
    waiter.start()
    response = waiter.result()

    assert response.status_code == 200
    assert response.json()["status"] == ApprovalStatus.APPROVED
    assert waiter.answered_at - started < 2


class DecisionWhileListening:
    """Decides the approval in the moment after the waiter starts listening and before it reads
    its row: its event is published then, before the read."""

    def __init__(self, owner) -> None:
        self.owner = owner
        self.approval_id: int | None = None
        self.decided_at: float | None = None

    async def __call__(self) -> None:
        await sync_to_async(approval_decide, thread_sensitive=False)(
            approval_id=self.approval_id, user=self.owner, approve=False
        )
        self.decided_at = time.monotonic()


@pytest.fixture
def decision_while_listening(monkeypatch, owner):
    decision = DecisionWhileListening(owner)
    monkeypatch.setattr(waits, "_after_listening", decision)
    return decision


def test_a_decision_made_between_listening_and_reading_is_answered_at_once(
    transactional_db, owner_and_token, decision_while_listening
):
    owner, token = owner_and_token
    approval = open_approval(owner)
    decision_while_listening.approval_id = approval.pk

    waiter = Waiter(token, approval.pk, timeout=TIMEOUT)
    waiter.start()
    response = waiter.result()

    assert decision_while_listening.decided_at is not None, "the decision was not made"
    assert response.status_code == 200
    assert response.json()["status"] == ApprovalStatus.REJECTED
    assert waiter.answered_at - decision_while_listening.decided_at < 2
