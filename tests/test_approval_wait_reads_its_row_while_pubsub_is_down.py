"""With the web process's Redis subscription down (here: pointed at a port where nothing
listens), a waiter still answers a decision: it reads its row every WAKEUP_FALLBACK_SECONDS,
and the log says so."""

import logging
import time

from approvals.models import ApprovalStatus
from approvals.services import approval_decide
from tests.waiting import Waiter, free_port, open_approval, wait_until

FALLBACK_SECONDS = 0.2


def test_a_waiter_answers_a_decision_while_the_subscription_is_down(
    transactional_db, owner_and_token, settings, caplog
):
    owner, token = owner_and_token
    approval = open_approval(owner)
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    settings.WAKEUP_FALLBACK_SECONDS = FALLBACK_SECONDS

    with caplog.at_level(logging.WARNING):
        waiter = Waiter(token, approval.pk, timeout=20)
        waiter.start()
        wait_until(
            lambda: any("no Redis subscription" in r.getMessage() for r in caplog.records),
            message="the subscriber did not say the subscription is down",
        )
        decided_at = time.monotonic()
        approval_decide(approval_id=approval.pk, user=owner, approve=False)
        response = waiter.result()

    assert response.status_code == 200
    assert response.json()["status"] == ApprovalStatus.REJECTED
    assert waiter.answered_at - decided_at < FALLBACK_SECONDS + 1
    [down] = [r for r in caplog.records if "no Redis subscription" in r.getMessage()]
    assert down.name == "config.wakeups"
    assert f"waiters read their rows every {FALLBACK_SECONDS} s" in down.getMessage()
    # The decision's own event could not be published either; that is logged, not raised.
    assert any("could not publish change events" in r.getMessage() for r in caplog.records)
