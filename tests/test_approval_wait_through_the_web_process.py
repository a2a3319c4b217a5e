"""The long-poll through the real web process (the Procfile's uvicorn) and a Redis server of the
test's own: a waiter is woken by the decision's event; with that Redis killed, a waiter answers
by reading its row, and the web process logs that the subscription dropped and, with Redis back,
that it is subscribed again."""

import time

from approvals.models import ApprovalStatus
from approvals.services import approval_decide
from tests.waiting import (
    HttpWaiter,
    open_approval,
    private_redis,
    subscribers,
    wait_until,
    web_process,
)

__all__ = ["private_redis"]


def test_a_waiter_of_the_web_process_is_woken_and_survives_redis_going_away(
    transactional_db, owner_and_token, private_redis, tmp_path
):
    owner, token = owner_and_token
    first, second = open_approval(owner, "first"), open_approval(owner, "second")

    with web_process(tmp_path / "web.log", private_redis.url) as web:
        waiter = HttpWaiter(web, token, first.pk, timeout=20)
        waiter.start()
        wait_until(lambda: subscribers(private_redis) == 1, message="nobody subscribed")
        decided_at = time.monotonic()
        approval_decide(approval_id=first.pk, user=owner, approve=False)
        status, body = waiter.result()
        assert (status, body["status"]) == (200, ApprovalStatus.REJECTED)
        assert waiter.answered_at - decided_at < 1

        private_redis.kill()
        wait_until(lambda: "no Redis subscription" in web.logged(), message=web.logged())
        waiter = HttpWaiter(web, token, second.pk, timeout=20)
        waiter.start()
        decided_at = time.monotonic()
        approval_decide(approval_id=second.pk, user=owner, approve=True)
        status, body = waiter.result()
        assert (status, body["status"]) == (200, ApprovalStatus.APPROVED)
        # The web process reads the rows every 0.2 s (WAKEUP_FALLBACK_SECONDS) meanwhile.
        assert waiter.answered_at - decided_at < 2

        private_redis.start()
        wait_until(
            lambda: "subscribed to Redis again" in web.logged(), timeout=20, message=web.logged()
        )
