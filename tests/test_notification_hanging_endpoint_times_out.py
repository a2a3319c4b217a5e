"""An endpoint that takes the request and never answers is cut off after
NOTIFY_HTTP_TIMEOUT_SECONDS: the attempt ends, is counted, and another is due."""

import time

import pytest

from approvals.models import NotificationStatus
from approvals.services import NotificationRetry, notification_send
from approvals.services.endpoints import endpoint_create
from tests.notifications import Receiver, approval_waiting, notifications_of

pytestmark = pytest.mark.django_db

TIMEOUT = 0.5


def test_a_hanging_endpoint_is_cut_off_by_the_timeout(owner, settings):
    settings.NOTIFY_HTTP_TIMEOUT_SECONDS = TIMEOUT
    receiver = Receiver(hang=True)
    try:
        endpoint_create(user=owner, kind="webhook", url=receiver.url)
        opening = approval_waiting(owner, notify=["webhook"])
        [notification] = notifications_of(opening)

        started = time.monotonic()
        with pytest.raises(NotificationRetry):
            notification_send(notification_id=notification.pk)
        elapsed = time.monotonic() - started
    finally:
        receiver.close()

    print(f"hanging endpoint cut off after {elapsed:.3f} s (timeout {TIMEOUT} s)")
    assert len(receiver.requests) == 1  # it was reached, and held the request
    assert TIMEOUT <= elapsed < TIMEOUT + 1.0
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert notification.attempts == 1
    assert notification.last_error == f"no answer within {TIMEOUT:g} s"
    assert notification.claimed_at is None
