"""A request's end, written with its task's transition in one statement: approved (the submit
published on commit, running work asked to yield), rejected or expired (the task ended and its
duplicate lock given back)."""

from __future__ import annotations

from typing import Any

from django_fsm import ConcurrentTransition

from applications.models import ApplicationTask
from applications.services.locks import application_release
from applications.services.preemption import task_request_pause_for
from applications.services.transitions import task_transition
from approvals.models import ApprovalRequest, AuditAction
from approvals.services.audit import SYSTEM, Via, audit_entry
from config import dispatch
from core import events, rows


def close(
    approval: ApprovalRequest,
    task: ApplicationTask,
    transition: str,
    *,
    actor: str,
    via: Via = SYSTEM,
    outcome: str,
    comment: str = "",
    records: list | None = None,
    action: str | None = None,
    by: Any = None,
) -> None:
    """The request's outcome (approve, reject, expire) and its task's transition of that name,
    written in one statement with `records` (the decision) and the audit row: both rows are
    locked by the caller, so either both change or neither. An approval publishes the submit on
    commit and makes running work yield; a rejection or expiry gives the duplicate lock back."""
    from_status = approval.status
    # Who decided: the account given, or the one of the decision written with it (a link's
    # approver with an account), by id.
    user = (
        by
        if by is not None
        else next(
            (record.user_id for record in records or [] if getattr(record, "user_id", None)), None
        )
    )
    arguments = {"outcome": outcome} if transition == "expire" else {"by": user, "outcome": outcome}
    getattr(approval, transition)(**arguments)
    decided = rows.ConditionalUpdate(approval, where={"id": approval.pk, "status": from_status})
    entry = audit_entry(
        approval,
        action
        or {"approve": AuditAction.APPROVED, "reject": AuditAction.REJECTED}.get(
            transition, AuditAction.TIMED_OUT
        ),
        actor=actor,
        via=via,
        old_status=from_status,
        new_status=approval.status,
        comment=comment,
        data={"outcome": outcome},
    )
    if transition == "approve":
        task.celery_task_id = dispatch.new_message_id()
    task_transition(
        task=task,
        transition=transition,
        actor=actor,
        reason=outcome,
        along=[decided, *(records or []), entry],
    )
    if not decided.matched:
        raise ConcurrentTransition(f"Approval {approval.pk} is no longer {from_status}.")
    events.approval_changed(approval)
    if transition == "approve":
        task_request_pause_for(task=task)
        dispatch.publish_submit(task.pk, task.celery_task_id)
    else:
        application_release(task=task)


def request_transition(
    approval: ApprovalRequest,
    transition: str,
    *,
    action: str,
    actor: str,
    via: Via = SYSTEM,
    comment: str = "",
    data: dict[str, Any] | None = None,
    **arguments: Any,
) -> None:
    """A transition of the request alone (escalate; cancel or expire when its task has moved on
    another way), written conditional on the status it started from, with its audit row and its
    change event on commit. The request is locked by the caller."""
    from_status = approval.status
    getattr(approval, transition)(**arguments)
    if not rows.update_if(approval, where={"id": approval.pk, "status": from_status}):
        raise ConcurrentTransition(f"Approval {approval.pk} is no longer {from_status}.")
    events.approval_changed(approval)
    audit_entry(
        approval,
        action,
        actor=actor,
        via=via,
        old_status=from_status,
        new_status=approval.status,
        comment=comment,
        data=data,
    ).save()
