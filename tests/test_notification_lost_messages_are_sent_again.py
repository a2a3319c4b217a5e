"""The approvals sweep publishes again the message of a pending notification long past its due
time (its message lost), and fails one that has no attempt left; one that is due, being sent or
sent already is left alone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import AuditEntry, Notification, NotificationStatus
from approvals.services import notifications_resend_lost
from tests.notifications import approval_waiting, notifications_of

pytestmark = pytest.mark.django_db


def test_the_sweep_resends_lost_messages_and_fails_those_with_no_attempt_left(
    owner, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    long_ago = timezone.now() - timedelta(seconds=settings.NOTIFY_LOST_AFTER_SECONDS + 60)
    rows = []
    for _ in range(5):
        [row] = notifications_of(approval_waiting(owner, notify=["email"]))
        rows.append(row)
    lost, spent, due, sending, sent = rows
    Notification.objects.filter(pk__in=[lost.pk, spent.pk, sending.pk, sent.pk]).update(
        next_attempt_at=long_ago
    )
    Notification.objects.filter(pk=spent.pk).update(attempts=3, last_error="answered HTTP 500")
    Notification.objects.filter(pk=sending.pk).update(claimed_at=timezone.now(), attempts=1)
    Notification.objects.filter(pk=sent.pk).update(status=NotificationStatus.SENT)

    with django_capture_on_commit_callbacks() as published:
        assert notifications_resend_lost() == 2

    assert len(published) == 1  # one publish, of the lost row's message
    lost.refresh_from_db()
    assert lost.status == NotificationStatus.PENDING
    assert lost.next_attempt_at > long_ago
    spent.refresh_from_db()
    assert (spent.status, spent.last_error) == (NotificationStatus.FAILED, "answered HTTP 500")
    [entry] = AuditEntry.objects.filter(action="notified")
    assert entry.data["notification_id"] == spent.pk
    assert entry.data["status"] == "failed"
    for row in (due, sending):
        row.refresh_from_db()
        assert row.status == NotificationStatus.PENDING
    with django_capture_on_commit_callbacks() as published:
        assert notifications_resend_lost() == 0
    assert published == []
