"""A webhook endpoint that keeps failing is called again by the maintenance worker after a wait
that doubles each time, exactly NOTIFY_MAX_ATTEMPTS times, and its notification ends failed
with the last error, audited once."""

import itertools
import time

import pytest
from django.db import transaction

from approvals.models import AuditEntry, Notification, NotificationStatus
from approvals.services.endpoints import endpoint_create
from tests.notifications import Receiver, approval_waiting, notifications_of

from .conftest import WORKER_ENV, wait_until

MAX_ATTEMPTS = int(WORKER_ENV["NOTIFY_MAX_ATTEMPTS"])
BACKOFF = float(WORKER_ENV["NOTIFY_BACKOFF_SECONDS"])


def status_of(notification: Notification) -> str:
    return Notification.objects.values_list("status", flat=True).get(pk=notification.pk)


@pytest.fixture
def failing_endpoint():
    receiver = Receiver(status=500)
    yield receiver
    receiver.close()


def test_a_failing_endpoint_is_retried_with_backoff_then_failed(engine, owner, failing_endpoint):
    endpoint_create(user=owner, kind="webhook", url=failing_endpoint.url)
    with transaction.atomic():
        opening = approval_waiting(owner, notify=["webhook"])
    [notification] = notifications_of(opening)

    wait_until(
        lambda: status_of(notification) == NotificationStatus.FAILED,
        timeout=30,
        message=f"notification {notification.pk} never failed",
    )
    # Twice the longest wait there would be before another attempt: none comes.
    time.sleep(2 * BACKOFF * 2 ** (MAX_ATTEMPTS - 1))
    calls = [request.at for request in failing_endpoint.requests]
    waits = [later - earlier for earlier, later in itertools.pairwise(calls)]
    print(f"attempts: {len(calls)}, waits between them: {[round(w, 3) for w in waits]} s")

    assert len(calls) == MAX_ATTEMPTS
    for number, wait in enumerate(waits):
        assert wait >= BACKOFF * 2**number
    assert all(
        request.headers["webhook-id"] == f"msg_{notification.pk}"
        for request in failing_endpoint.requests
    )
    notification.refresh_from_db()
    assert notification.attempts == MAX_ATTEMPTS
    assert notification.last_error == "the endpoint answered HTTP 500"
    [entry] = AuditEntry.objects.filter(request=opening.approval, action="notified")
    assert entry.data["status"] == "failed"
    assert entry.data["attempts"] == MAX_ATTEMPTS
