"""An endpoint that takes each request and never answers holds the maintenance worker for no
longer than NOTIFY_HTTP_TIMEOUT_SECONDS an attempt: after NOTIFY_MAX_ATTEMPTS attempts the
notification is failed, and the worker is free for the next one."""

import time

import pytest
from django.db import transaction

from approvals.models import Notification, NotificationStatus
from approvals.services.endpoints import endpoint_create
from tests.notifications import Receiver, approval_waiting, notifications_of

from .conftest import WORKER_ENV, wait_until

MAX_ATTEMPTS = int(WORKER_ENV["NOTIFY_MAX_ATTEMPTS"])
BACKOFF = float(WORKER_ENV["NOTIFY_BACKOFF_SECONDS"])
TIMEOUT = float(WORKER_ENV["NOTIFY_HTTP_TIMEOUT_SECONDS"])


@pytest.fixture
def hanging_endpoint():
    receiver = Receiver(hang=True)
    yield receiver
    receiver.close()


def test_a_hanging_endpoint_is_cut_off_at_each_attempt_then_failed(engine, owner, hanging_endpoint):
    endpoint_create(user=owner, kind="webhook", url=hanging_endpoint.url)
    started = time.monotonic()
    with transaction.atomic():
        opening = approval_waiting(owner, notify=["webhook"])
    [notification] = notifications_of(opening)

    wait_until(
        lambda: Notification.objects.filter(
            pk=notification.pk, status=NotificationStatus.FAILED
        ).exists(),
        timeout=30,
        message=f"notification {notification.pk} never failed",
    )
    elapsed = time.monotonic() - started
    backoff = sum(BACKOFF * 2**number for number in range(MAX_ATTEMPTS - 1))
    print(f"{MAX_ATTEMPTS} attempts of a hanging endpoint failed after {elapsed:.2f} s")

    assert len(hanging_endpoint.requests) == MAX_ATTEMPTS
    assert MAX_ATTEMPTS * TIMEOUT + backoff <= elapsed < MAX_ATTEMPTS * (TIMEOUT + 1) + backoff + 3
    notification.refresh_from_db()
    assert notification.last_error == f"no answer within {TIMEOUT:g} s"
