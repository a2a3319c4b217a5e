"""One row per (notification, recipient), and each row is sent once: a second delivery of its
message, while the first attempt is still sending or after it has sent, sends nothing."""

import threading

import pytest
from django.db import connection

from approvals.models import (
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationStatus,
)
from approvals.services import notification_send
from approvals.services.endpoints import endpoint_create
from tests.factories import UserFactory
from tests.notifications import Receiver, approval_waiting, notifications_of


@pytest.mark.django_db
def test_each_recipient_has_one_row_per_channel(owner):
    UserFactory(username="teammate", email="teammate@example.com")
    webhook_endpoint, _ = endpoint_create(user=owner, kind="webhook", url="https://example.com/h")
    endpoint_create(user=owner, kind="slack", url="https://example.com/slack")
    opening = approval_waiting(
        owner, notify=["email", "in_app", "webhook"], allowed_approvers=["teammate"]
    )

    rows = {(row.channel, row.recipient) for row in notifications_of(opening)}
    assert rows == {
        ("email", "owner"),
        ("email", "teammate"),
        ("in_app", "owner"),
        ("in_app", "teammate"),
        ("webhook", webhook_endpoint.label),
    }
    assert len(notifications_of(opening)) == len(rows)
    # The webhook carries the applicant's link; the Slack endpoint is not in the policy.
    [webhook] = notifications_of(opening, channel=NotificationChannel.WEBHOOK)
    assert webhook.link.user_id == owner.pk
    assert not notifications_of(opening, channel=NotificationChannel.SLACK)


@pytest.mark.django_db(transaction=True)
def test_a_second_delivery_sends_nothing_while_the_first_sends_or_after(owner):
    receiver = Receiver(hang=True)
    try:
        endpoint, _ = endpoint_create(user=owner, kind="webhook", url=receiver.url)
        # The row made by hand, without its message: workers running alongside the tests (the
        # engine's) would otherwise take it first.
        opening = approval_waiting(owner, notify=[])
        [(link, _)] = opening.links
        notification = Notification.objects.create(
            request=opening.approval,
            kind=NotificationKind.REQUESTED,
            channel=NotificationChannel.WEBHOOK,
            recipient=endpoint.label,
            endpoint=endpoint,
            link=link,
        )
        outcomes = {}

        def first() -> None:
            try:
                outcomes["first"] = notification_send(notification_id=notification.pk)
            finally:
                connection.close()

        sending = threading.Thread(target=first)
        sending.start()
        assert receiver.arrived.wait(10), "the first attempt never reached the endpoint"
        outcomes["while sending"] = notification_send(notification_id=notification.pk)
        receiver.release()
        sending.join(10)
        outcomes["after"] = notification_send(notification_id=notification.pk)
    finally:
        receiver.close()

    assert outcomes == {"first": "sent", "while sending": "skipped", "after": "skipped"}
    assert len(receiver.requests) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 1)
