"""Writes of the approvals domain: the approval request of a prepared task, and the decision —
which, when it is a yes, sends the task to be submitted at once and makes running work yield.

The approvals app writes its own rows. Where a row must change in the same statement as its
task's transition (the request inserted with PENDING_APPROVAL, the decision written with
APPROVED or REJECTED), this module builds the write and hands it to the transition, which makes
it in that statement.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from applications.models import ApplicationTask, TaskState
from applications.services.locks import application_release
from applications.services.preemption import task_request_pause_for
from applications.services.preparing import task_mark_prepared
from applications.services.transitions import SWEEPER_ACTOR, task_transition
from approvals.exceptions import ApprovalClosed, ApprovalExpired, ApprovalNotFound
from approvals.models import ApprovalRequest, ApprovalStatus, token_hash
from config import dispatch
from core import events, rows
from jobs.models import JobPosting

logger = logging.getLogger(__name__)

# 256 bits of randomness in every link.
TOKEN_BYTES = 32
LINK_ACTOR = "link"
# The decision's read of the request, locked (the conditions follow).
_LOCKED_READ = f"SELECT * FROM {rows.quote(ApprovalRequest._meta.db_table)}"


def approval_new(task: ApplicationTask) -> tuple[ApprovalRequest, str]:
    """An approval request for the task, not yet saved, with its token, which is stored only as
    a hash: this is the one moment it exists in clear."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    approval = ApprovalRequest(
        task=task,
        user_id=task.user_id,
        token_hash=token_hash(token),
        expires_at=timezone.now() + timedelta(seconds=settings.APPROVAL_TTL_SECONDS),
    )
    return approval, token


def approval_request_open(*, task: ApplicationTask) -> tuple[ApprovalRequest, str]:
    """A running task whose every step is done: RUNNING → PENDING_APPROVAL and its approval
    request, in one statement. Returns the request and its token (the link's secret). Raises
    TaskLost when the row is no longer the worker's."""
    approval, token = approval_new(task)
    task_mark_prepared(task=task, approval=approval)
    _log_requested(approval)
    return approval, token


def approval_create(*, task: ApplicationTask) -> tuple[ApprovalRequest, str]:
    """The approval request of a task that is already PENDING_APPROVAL, saved."""
    approval, token = approval_new(task)
    approval.save()
    _log_requested(approval)
    return approval, token


def _log_requested(approval: ApprovalRequest) -> None:
    logger.info(
        "approval %s requested for task %s",
        approval.pk,
        approval.task_id,
        extra={"approval_id": approval.pk, "task_id": approval.task_id},
    )


def approval_decide(*, approval_id: int, user: AbstractBaseUser, approve: bool) -> ApprovalRequest:
    """Approve or reject, as the signed-in owner of the request."""
    return _decide(
        rows.read(
            ApprovalRequest,
            f"{_LOCKED_READ} WHERE id = %s AND user_id = %s FOR UPDATE",
            [approval_id, user.pk],
        ),
        approve=approve,
        by=user,
        actor=user.get_username(),
    )


def approval_decide_by_token(*, token: str, approve: bool) -> ApprovalRequest:
    """Approve or reject by the link sent to the user: the token is the proof."""
    return _decide(
        rows.read(
            ApprovalRequest,
            f"{_LOCKED_READ} WHERE token_hash = %s FOR UPDATE",
            [token_hash(token)],
        ),
        approve=approve,
        by=None,
        actor=LINK_ACTOR,
    )


def _decide(
    found: list[ApprovalRequest], *, approve: bool, by: AbstractBaseUser | None, actor: str
) -> ApprovalRequest:
    """The decision on a request read and locked by the caller's statement (`found`), with its
    task locked too and its posting loaded, so that the caller needs no other read. A yes makes
    the task APPROVED, publishes its submit on commit (approvals queue, highest broker priority)
    and asks running work that holds the slot it needs to pause. A second decision is a 409; a
    decision after the deadline is a 410, whether or not the expiry sweep has run yet."""
    with transaction.atomic():
        approval = _locked(found)
        if approval.status == ApprovalStatus.EXPIRED:
            raise ApprovalExpired("This approval expired; the application was not submitted.")
        if approval.status != ApprovalStatus.PENDING:
            raise ApprovalClosed(
                f"This approval is already {approval.get_status_display().lower()}."
            )
        task = approval.task
        if approval.is_expired:
            _expire(approval, task, actor="system:approvals")
        elif approve:
            task.celery_task_id = dispatch.new_message_id()
            _decide_with_task(approval, task, "approve", by=by, actor=actor)
            task_request_pause_for(task=task)
            dispatch.publish_submit(task.pk, task.celery_task_id)
            return approval
        else:
            _decide_with_task(approval, task, "reject", by=by, actor=actor)
            application_release(task=task)
            return approval
    # Committed: the request and its task are EXPIRED now.
    raise ApprovalExpired("This approval expired; the application was not submitted.")


def _locked(found: list[ApprovalRequest]) -> ApprovalRequest:
    """The request (locked by the caller's read) with its task, locked in that order (as the
    expiry sweep does), and the task's posting."""
    if not found:
        raise ApprovalNotFound("No approval request matches this link or id.")
    approval = found[0]
    # Two plain reads rather than one ORM join: this runs inside every approval, and building
    # the ORM's query costs more than the second round trip.
    task = rows.get(ApplicationTask, approval.task_id, lock=True)
    ApplicationTask.job.field.set_cached_value(task, rows.get(JobPosting, task.job_id))
    # Cached as the request's task without assigning it (an assignment would be written).
    ApprovalRequest.task.field.set_cached_value(approval, task)
    return approval


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
    events.approval_changed(approval)


def _expire(approval: ApprovalRequest, task: ApplicationTask, *, actor: str) -> None:
    """The request EXPIRED (one UPDATE conditional on its status), and its task with it while
    the task still waits for the decision."""
    from_status = approval.status
    approval.expire()
    if not rows.update_if(approval, where={"id": approval.pk, "status": from_status}):
        raise ConcurrentTransition(f"Approval {approval.pk} is no longer {from_status}.")
    events.approval_changed(approval)
    if task.state == TaskState.PENDING_APPROVAL:
        task_transition(task=task, transition="expire", actor=actor, reason="approval expired")
        application_release(task=task)


def approvals_expire_due(*, limit: int = 500) -> int:
    """Expire the pending approvals whose deadline has passed (the beat sweep). Idempotent, and
    two sweepers never expire one row twice: rows are taken with SKIP LOCKED."""
    expired = 0
    due = list(
        ApprovalRequest.objects.filter(
            status=ApprovalStatus.PENDING, expires_at__lte=timezone.now()
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
            _expire(approval, task, actor=SWEEPER_ACTOR)
            expired += 1
    return expired
