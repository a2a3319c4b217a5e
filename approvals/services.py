"""Writes of the approvals domain: an approval request per prepared task, and the decision —
which, when it is a yes, sends the task to be submitted at once and makes running work yield."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django_fsm import ConcurrentTransition

from applications import rows
from applications.models import ApplicationTask, TaskState
from applications.services import (
    application_release,
    task_request_pause_for,
    task_transition,
)
from approvals.exceptions import ApprovalClosed, ApprovalExpired
from approvals.models import ApprovalRequest, ApprovalStatus, token_hash
from config import dispatch

logger = logging.getLogger(__name__)

# 256 bits of randomness in every link.
TOKEN_BYTES = 32


def approval_new(*, task: ApplicationTask) -> tuple[ApprovalRequest, str]:
    """The approval request of a task about to reach PENDING_APPROVAL, not yet saved, with its
    token, which is stored only as a hash: this is the one moment it exists in clear."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    approval = ApprovalRequest(
        task=task,
        user_id=task.user_id,
        token_hash=token_hash(token),
        expires_at=timezone.now() + timedelta(seconds=settings.APPROVAL_TTL_SECONDS),
    )
    return approval, token


def approval_create(*, task: ApplicationTask) -> tuple[ApprovalRequest, str]:
    """The approval request of a task that is already PENDING_APPROVAL, saved."""
    approval, token = approval_new(task=task)
    approval.save()
    logger.info("approval requested", extra={"approval_id": approval.pk, "task_id": task.pk})
    return approval, token


def _record(approval: ApprovalRequest, transition: str, **arguments: object) -> None:
    """The approval's django-fsm transition, written as one UPDATE of the columns it changed,
    conditional on the status it was read with."""
    from_status = approval.status
    getattr(approval, transition)(**arguments)
    if not rows.update_if(approval, where={"id": approval.pk, "status": from_status}):
        raise ConcurrentTransition(f"Approval {approval.pk} is no longer {from_status}.")


def _decide_with_task(
    approval: ApprovalRequest,
    task: ApplicationTask,
    transition: str,
    *,
    by: AbstractBaseUser | None,
    actor: str,
) -> None:
    """The decision and the task's transition of the same name (approve, reject), written in
    one statement: both rows are locked by the caller, so either both change or neither."""
    from_status = approval.status
    getattr(approval, transition)(by=by)
    decided = rows.ConditionalUpdate(approval, where={"id": approval.pk, "status": from_status})
    reason = {"approve": "approved", "reject": "rejected"}[transition]
    task_transition(task=task, transition=transition, actor=actor, reason=reason, along=decided)
    if not decided.matched:
        raise ConcurrentTransition(f"Approval {approval.pk} is no longer {from_status}.")


def _expire(approval: ApprovalRequest, task: ApplicationTask, *, actor: str) -> None:
    _record(approval, "expire")
    if task.state == TaskState.PENDING_APPROVAL:
        task_transition(task=task, transition="expire", actor=actor, reason="approval expired")
        application_release(task=task)


def approval_decide(
    *,
    approval: ApprovalRequest,
    approve: bool,
    by: AbstractBaseUser | None,
    actor: str,
) -> ApprovalRequest:
    """Approve or reject. A yes makes the task APPROVED, publishes its submit message on commit
    (approvals queue, highest broker priority) and asks running work that holds the slot it
    needs to pause. Deciding twice is a 409; deciding after the deadline expires the request
    (410), whatever the sweep has done yet."""
    expired = False
    with transaction.atomic():
        # The request and its task, both rows locked, in this order (as the expiry sweep
        # does).
        approval = rows.get(ApprovalRequest, approval.pk, lock=True)
        if approval is None:
            raise Http404("No approval has this id.")
        task = rows.get(ApplicationTask, approval.task_id, lock=True)
        # Cached as the request's task without assigning it (an assignment would be written).
        ApprovalRequest.task.field.set_cached_value(approval, task)
        if approval.status != ApprovalStatus.PENDING:
            raise ApprovalClosed(
                f"This approval is already {approval.get_status_display().lower()}."
            )
        if approval.is_expired:
            _expire(approval, task, actor="system:approvals")
            expired = True
        elif approve:
            task.celery_task_id = dispatch.new_message_id()
            _decide_with_task(approval, task, "approve", by=by, actor=actor)
            task_request_pause_for(task=task)
            dispatch.publish_submit(task.pk, task.celery_task_id)
        else:
            _decide_with_task(approval, task, "reject", by=by, actor=actor)
            application_release(task=task)
    if expired:
        raise ApprovalExpired("This approval expired; the application was not submitted.")
    return approval


def approval_decide_by_token(*, token: str, approve: bool) -> ApprovalRequest:
    approval = ApprovalRequest.objects.filter(token_hash=token_hash(token)).first()
    if approval is None:
        raise Http404("No approval has this link.")
    return approval_decide(approval=approval, approve=approve, by=None, actor="link")


def approvals_expire_due(*, limit: int = 500) -> int:
    """Expire the pending approvals whose deadline has passed (the beat sweep). Idempotent, and
    two sweepers never expire one row twice: rows are taken with SKIP LOCKED."""
    expired = 0
    now = timezone.now()
    due = list(
        ApprovalRequest.objects.filter(
            status=ApprovalStatus.PENDING, expires_at__lte=now
        ).values_list("pk", flat=True)[:limit]
    )
    for approval_id in due:
        with transaction.atomic():
            approval = (
                ApprovalRequest.objects.select_for_update(skip_locked=True)
                .filter(pk=approval_id, status=ApprovalStatus.PENDING)
                .first()
            )
            if approval is None:
                continue
            task = ApplicationTask.objects.select_for_update().get(pk=approval.task_id)
            _expire(approval, task, actor="system:sweeper")
            expired += 1
    return expired
