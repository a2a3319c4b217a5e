"""A Slack message names the job and its deadline and has an "Open review page" button that
opens the applicant's own link."""

import json

import pytest

from approvals.services import notification_send
from approvals.services.endpoints import endpoint_create
from tests.notifications import Receiver, approval_waiting, notifications_of

pytestmark = pytest.mark.django_db


def test_the_slack_message_has_an_open_review_page_button_with_the_link(owner, settings):
    receiver = Receiver()
    try:
        _endpoint, secret = endpoint_create(user=owner, kind="slack", url=receiver.url)
        opening = approval_waiting(owner, notify=["slack"])
        [notification] = notifications_of(opening)

        assert notification_send(notification_id=notification.pk) == "sent"
    finally:
        receiver.close()

    assert secret is None
    [received] = receiver.requests
    body = json.loads(received.body)
    job = opening.approval.task.job
    section, actions = body["blocks"]
    assert job.company in section["text"]["text"]
    assert job.title in section["text"]["text"]
    assert "Decide before" in section["text"]["text"]
    [button] = actions["elements"]
    assert button["type"] == "button"
    assert button["text"]["text"] == "Open review page"
    assert button["url"] == f"{settings.SITE_URL}/approve/{opening.applicant_token}/"
    assert body["text"] == f"Approve your application to {job.company}: {job.title}"
