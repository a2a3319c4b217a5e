"""An e-mail goes to each approver with an address, through Django's e-mail backend, and carries
that approver's own link; neither the log nor the audit log holds the link."""

import json
import logging

import pytest
from django.core import mail

from approvals.models import AuditEntry, NotificationStatus
from approvals.services import notification_send
from tests.factories import UserFactory
from tests.notifications import approval_waiting, notifications_of

pytestmark = pytest.mark.django_db


def test_each_approver_gets_an_email_with_their_own_link(owner, settings, caplog):
    caplog.set_level(logging.INFO)
    UserFactory(username="teammate", email="teammate@example.com")
    opening = approval_waiting(owner, notify=["email"], allowed_approvers=["teammate"])
    emails = notifications_of(opening, channel="email")
    assert sorted(row.address for row in emails) == ["o@example.com", "teammate@example.com"]

    for row in emails:
        assert notification_send(notification_id=row.pk) == "sent"

    job = opening.approval.task.job
    tokens = {link.email: token for link, token in opening.links}
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        [address] = message.to
        assert f"{settings.SITE_URL}/approve/{tokens[address]}/" in message.body
        other = next(token for email, token in tokens.items() if email != address)
        assert other not in message.body
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects["o@example.com"] == f"Approve your application to {job.company}: {job.title}"
    assert subjects["teammate@example.com"] == (
        f"Approve owner's application to {job.company}: {job.title}"
    )
    assert all(
        status == NotificationStatus.SENT
        for status in (row.status for row in notifications_of(opening))
    )
    entries = AuditEntry.objects.filter(request=opening.approval, action="notified")
    assert sorted(entry.data["recipient"] for entry in entries) == ["owner", "teammate"]
    for token in tokens.values():
        assert token not in caplog.text
        assert all(token not in json.dumps(entry.data) for entry in entries)


def test_an_approver_without_an_address_gets_no_email(db):
    nobody = UserFactory(username="no-mail", email="")
    opening = approval_waiting(nobody, notify=["email", "in_app"])

    assert [row.channel for row in notifications_of(opening)] == ["in_app"]


def test_a_policy_that_names_no_channel_sends_nothing(owner):
    opening = approval_waiting(owner, notify=[])

    assert notifications_of(opening) == []
