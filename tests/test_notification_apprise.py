"""An Apprise URL really sends: a json:// URL posts the message, with the link, to a local
server; a server that refuses it leaves the notification to be tried again."""

import json

import pytest

from approvals.models import NotificationStatus
from approvals.services import NotificationRetry, notification_send
from approvals.services.endpoints import endpoint_create
from tests.notifications import Receiver, approval_waiting, notifications_of

pytestmark = pytest.mark.django_db


def apprise_url(receiver: Receiver) -> str:
    return receiver.url.replace("http://", "json://")


def test_an_apprise_url_sends_the_message_with_the_link(owner, settings):
    receiver = Receiver()
    try:
        endpoint_create(user=owner, kind="apprise", url=apprise_url(receiver))
        opening = approval_waiting(owner, notify=["apprise"])
        [notification] = notifications_of(opening)

        assert notification_send(notification_id=notification.pk) == "sent"
    finally:
        receiver.close()

    [received] = receiver.requests
    body = json.loads(received.body)
    job = opening.approval.task.job
    assert body["title"] == f"Approve your application to {job.company}: {job.title}"
    assert f"{settings.SITE_URL}/approve/{opening.applicant_token}/" in body["message"]


def test_an_apprise_endpoint_that_refuses_is_tried_again(owner, settings):
    settings.NOTIFY_BACKOFF_SECONDS = 7
    receiver = Receiver(status=500)
    try:
        endpoint_create(user=owner, kind="apprise", url=apprise_url(receiver))
        opening = approval_waiting(owner, notify=["apprise"])
        [notification] = notifications_of(opening)

        with pytest.raises(NotificationRetry) as retry:
            notification_send(notification_id=notification.pk)
    finally:
        receiver.close()

    assert len(receiver.requests) == 1
    assert retry.value.countdown == 7
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert notification.attempts == 1
    assert notification.last_error == "Apprise could not deliver the message"
