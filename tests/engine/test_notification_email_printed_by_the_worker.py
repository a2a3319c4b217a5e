"""In the demo the maintenance worker sends e-mail through the console backend: its output shows
each approver's message with the link whole (the log handler takes tokens out of log lines, and
the console mailbox is no log line)."""

from django.conf import settings
from django.db import transaction

from approvals.models import Notification, NotificationStatus
from tests.notifications import approval_waiting, notifications_of

from .conftest import wait_until


def test_the_worker_prints_the_email_with_the_whole_link(engine, owner):
    with transaction.atomic():
        opening = approval_waiting(owner, notify=["email"])
    [notification] = notifications_of(opening)

    wait_until(
        lambda: Notification.objects.filter(
            pk=notification.pk, status=NotificationStatus.SENT
        ).exists(),
        timeout=30,
        message=f"notification {notification.pk} was never sent",
    )
    log = engine.log_dir / "worker-maintenance.log"
    link = f"{settings.SITE_URL}/approve/{opening.applicant_token}/"
    wait_until(
        lambda: link in log.read_text(),
        timeout=5,
        message=f"the link is not in the worker's output: {log.read_text()[-2000:]}",
    )
    job = opening.approval.task.job
    assert f"Subject: Approve your application to {job.company}: {job.title}" in log.read_text()
