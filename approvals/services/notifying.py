"""Telling people: the approvers of a new request, a reminder, an escalation. Each message
carries its recipient's own link.

One row per (notification, recipient), made in the transaction that makes the request, the
reminder or the escalation: in-app rows are sent as they are made; every other row gets a Celery
message of its own on commit (workers.send_notification), which sends it once. An attempt takes
its row by a conditional UPDATE (pending, not taken by a live attempt, attempts below the
limit), so a message delivered twice, or published again by the sweep while the first still
runs, never sends twice, and a row that was sent is never sent again. A failed attempt is
retried after NOTIFY_BACKOFF_SECONDS, doubled at each attempt, up to NOTIFY_MAX_ATTEMPTS; the
row is then failed. Each row's end, sent or failed, writes an audit row (`notified`) with its
channel and recipient, never its link."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from approvals import statements
from approvals.models import (
    OPEN_STATUSES,
    ApprovalLink,
    ApprovalRequest,
    AuditAction,
    AuditEntry,
    Notification,
    NotificationChannel,
    NotificationEndpoint,
    NotificationKind,
    NotificationStatus,
)
from approvals.models.policies import default_notify
from approvals.services.audit import SYSTEM_ACTOR, audit_entry
from approvals.services.channels import SENDERS, Message, SendFailed, Undeliverable
from approvals.services.tokens import token_unseal
from config import dispatch

if TYPE_CHECKING:
    from approvals.services.opening import Opening

logger = logging.getLogger(__name__)

ENDPOINT_CHANNELS = frozenset(
    {NotificationChannel.WEBHOOK, NotificationChannel.SLACK, NotificationChannel.APPRISE}
)


class NotificationRetry(Exception):
    """An attempt failed and another is due in `countdown` seconds (the task retries)."""

    def __init__(self, detail: str, *, countdown: float) -> None:
        super().__init__(detail)
        self.countdown = countdown


def notify_requested(opening: Opening) -> None:
    """The approvers of a new request, each with their link."""
    notify(opening.approval, opening.links, kind=NotificationKind.REQUESTED)


def notify(approval: ApprovalRequest, links: list[tuple[ApprovalLink, str]], *, kind: str) -> None:
    """Send `kind` (requested, reminder, escalated) to each link's approver, on the channels of
    the request's policy (`notify`): e-mail to each approver with an address, in the app to each
    with an account, and to the applicant's own webhooks, Slack and Apprise URLs with the
    applicant's link (not for an escalation, which goes to the people it names). Called inside
    the transaction that makes the request, reminder or escalation; the links are saved. The
    tokens in `links` are not kept: each message unseals its link's when it is sent."""
    rows = notifications_plan(approval, links, kind=kind)
    if rows:
        statements.insert_notifications(rows, audit=_audit(approval, rows[0]))
    notifications_publish(approval, rows, kind=kind, approvers=len(links))


def notifications_plan(
    approval: ApprovalRequest, links: list[tuple[ApprovalLink, str]], *, kind: str
) -> list[Notification]:
    """The notification rows `notify` writes, not yet saved: for a caller that writes them in a
    statement of its own (a new request's, with PENDING_APPROVAL)."""
    # A policy that names no channel sends nothing.
    channels = set(approval.policy.get("notify", default_notify()))
    now = timezone.now()
    rows: list[Notification] = []
    for link, _ in links:
        if NotificationChannel.EMAIL in channels and link.email:
            rows.append(
                _row(approval, link, kind, NotificationChannel.EMAIL, address=link.email, now=now)
            )
        if NotificationChannel.IN_APP in channels and link.user_id:
            row = _row(approval, link, kind, NotificationChannel.IN_APP, now=now)
            row.user_id, row.status, row.sent_at = link.user_id, NotificationStatus.SENT, now
            rows.append(row)
    applicant_link = next((link for link, _ in links if link.user_id == approval.user_id), None)
    endpoint_kinds = channels & ENDPOINT_CHANNELS
    if kind != NotificationKind.ESCALATED and applicant_link is not None and endpoint_kinds:
        for endpoint in NotificationEndpoint.objects.filter(
            user_id=approval.user_id, active=True, kind__in=endpoint_kinds
        ).order_by("pk"):
            row = _row(approval, applicant_link, kind, endpoint.kind, now=now)
            row.endpoint, row.recipient = endpoint, endpoint.label[:200]
            rows.append(row)
    return rows


def notifications_audit(approval: ApprovalRequest, rows: list[Notification]) -> list[AuditEntry]:
    """The audit rows of the notifications sent as they are made (in the app), for a caller
    that writes them with the rows (their ids are not known yet, so not in `data`)."""
    entries = []
    for row in rows:
        if row.status == NotificationStatus.SENT:
            entry = _audit(approval, row)
            del entry.data["notification_id"]
            entries.append(entry)
    return entries


def notifications_publish(
    approval: ApprovalRequest, rows: list[Notification], *, kind: str, approvers: int
) -> None:
    """On commit, one message per saved row still to send."""
    dispatch.publish_notifications(
        [row.pk for row in rows if row.status == NotificationStatus.PENDING]
    )
    logger.info(
        "approval %s: %s to %d approvers, %d notifications",
        approval.pk,
        kind,
        approvers,
        len(rows),
        extra={"approval_id": approval.pk, "kind": kind},
    )


def _row(
    approval: ApprovalRequest,
    link: ApprovalLink,
    kind: str,
    channel: str,
    *,
    now,
    address: str = "",
) -> Notification:
    return Notification(
        request=approval,
        kind=kind,
        channel=channel,
        recipient=link.label[:200],
        address=address,
        link=link,
        next_attempt_at=now,
    )


def _audit(approval: ApprovalRequest, notification: Notification, *, error: str = "") -> AuditEntry:
    data = {
        "notification_id": notification.pk,
        "kind": notification.kind,
        "channel": notification.channel,
        "recipient": notification.recipient,
        "status": notification.status,
        "attempts": notification.attempts,
    }
    if error:
        data["error"] = error
    return audit_entry(
        approval,
        AuditAction.NOTIFIED,
        actor=SYSTEM_ACTOR,
        old_status=approval.status,
        new_status=approval.status,
        data=data,
    )


def _lease_expired_before() -> datetime:
    # An attempt that has run past the task's hard time limit is dead (its worker was killed).
    return timezone.now() - timedelta(seconds=settings.NOTIFY_TIME_LIMIT_SECONDS + 30)


def _free() -> Q:
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=_lease_expired_before())


def notification_send(*, notification_id: int) -> str:
    """One attempt at one notification: sent, failed (no attempt left, or none can succeed),
    or skipped (sent already, failed, or another attempt holds it). Raises NotificationRetry
    when another attempt is due."""
    claimed_at = timezone.now()
    # The claim: of two deliveries of the row's message, only one matches.
    taken = Notification.objects.filter(
        _free(),
        pk=notification_id,
        status=NotificationStatus.PENDING,
        attempts__lt=settings.NOTIFY_MAX_ATTEMPTS,
    ).update(attempts=F("attempts") + 1, claimed_at=claimed_at)
    if not taken:
        return _unclaimed(notification_id)
    notification = Notification.objects.select_related(
        "request__task__job", "request__user", "link", "endpoint"
    ).get(pk=notification_id)
    try:
        _send(notification)
    except Undeliverable as error:
        _end(notification, claimed_at, NotificationStatus.FAILED, error=str(error))
        return "failed"
    except Exception as error:
        # SendFailed, and anything else a sender raised (the soft time limit among them).
        detail = str(error) if isinstance(error, SendFailed) else f"{type(error).__name__}"
        if notification.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            _end(notification, claimed_at, NotificationStatus.FAILED, error=detail)
            return "failed"
        countdown = settings.NOTIFY_BACKOFF_SECONDS * 2 ** (notification.attempts - 1)
        _retry_later(notification, claimed_at, error=detail, countdown=countdown)
        raise NotificationRetry(detail, countdown=countdown) from error
    _end(notification, claimed_at, NotificationStatus.SENT)
    return "sent"


def _send(notification: Notification) -> None:
    if notification.request.status not in OPEN_STATUSES:
        raise Undeliverable(f"not sent: the approval is {notification.request.status} already")
    token = token_unseal(notification.link.sealed_token)
    if token is None:
        raise Undeliverable("the link's token cannot be read (sealed under another key)")
    SENDERS[notification.channel](notification, Message.of(notification, token=token))


def _end(notification: Notification, claimed_at, status: str, *, error: str = "") -> None:
    """The row's end, sent or failed, with its audit row, while the attempt still holds it."""
    now = timezone.now()
    fields = {"status": status, "claimed_at": None}
    if status == NotificationStatus.SENT:
        fields["sent_at"] = now
    else:
        fields["last_error"] = error
    with transaction.atomic():
        ended = Notification.objects.filter(
            pk=notification.pk, status=NotificationStatus.PENDING, claimed_at=claimed_at
        ).update(**fields)
        if not ended:
            return
        for name, value in fields.items():
            setattr(notification, name, value)
        _audit(notification.request, notification, error=error).save()
    logger.info(
        "notification %s %s after %d attempt(s)",
        notification.pk,
        status,
        notification.attempts,
        extra={
            "notification_id": notification.pk,
            "approval_id": notification.request_id,
            "channel": notification.channel,
            "status": status,
            **({"error": error} if error else {}),
        },
    )


def _retry_later(notification: Notification, claimed_at, *, error: str, countdown: float) -> None:
    Notification.objects.filter(
        pk=notification.pk, status=NotificationStatus.PENDING, claimed_at=claimed_at
    ).update(
        claimed_at=None,
        last_error=error,
        next_attempt_at=timezone.now() + timedelta(seconds=countdown),
    )
    logger.warning(
        "notification %s: attempt %d failed, next in %g s",
        notification.pk,
        notification.attempts,
        countdown,
        extra={
            "notification_id": notification.pk,
            "approval_id": notification.request_id,
            "channel": notification.channel,
            "error": error,
        },
    )


def _unclaimed(notification_id: int) -> str:
    """A message for a row it could not take: quietly skipped, unless the row is pending with
    no attempt left and none running (its last attempt's worker died): then it is failed."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("request")
            .filter(
                _free(),
                pk=notification_id,
                status=NotificationStatus.PENDING,
                attempts__gte=settings.NOTIFY_MAX_ATTEMPTS,
            )
            .first()
        )
        if notification is None:
            return "skipped"
        _give_up(notification)
    return "failed"


def _give_up(notification: Notification) -> None:
    """Fail a pending row with no attempt left (the caller holds its lock)."""
    error = notification.last_error or "its last attempt never finished"
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.FAILED, claimed_at=None, last_error=error
    )
    notification.status, notification.last_error = NotificationStatus.FAILED, error
    _audit(notification.request, notification, error=error).save()


def notifications_resend_lost(*, limit: int = 500) -> int:
    """For the approvals sweep: publish again the message of every pending notification due
    more than NOTIFY_LOST_AFTER_SECONDS ago and not being sent (its message lost with a broker
    restart or a killed worker), and fail those with no attempt left. Returns how many rows it
    took. A message published again for a row whose first is still on its way is harmless: one
    of the two takes the row, the other finds it taken or sent."""
    due_before = timezone.now() - timedelta(seconds=settings.NOTIFY_LOST_AFTER_SECONDS)
    with transaction.atomic():
        lost = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("request")
            .filter(_free(), status=NotificationStatus.PENDING, next_attempt_at__lt=due_before)
            .order_by("next_attempt_at")[:limit]
        )
        again = []
        for notification in lost:
            if notification.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
                _give_up(notification)
            else:
                again.append(notification.pk)
        if again:
            # Due now: the next sweep waits NOTIFY_LOST_AFTER_SECONDS again before another.
            Notification.objects.filter(pk__in=again).update(next_attempt_at=timezone.now())
            dispatch.publish_notifications(again)
    return len(lost)


def notification_mark_read(*, notification: Notification) -> Notification:
    """An in-app notification read by its recipient (the caller found it among theirs). Read
    twice, it keeps the time it was first read."""
    now = timezone.now()
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        status=NotificationStatus.READ, read_at=now
    ):
        notification.status, notification.read_at = NotificationStatus.READ, now
    else:
        notification.refresh_from_db(fields=["status", "read_at"])
    return notification
