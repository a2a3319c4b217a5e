"""A cancelled task cancels its open approval request, in the same transaction: the request
CANCELLED, its links dead, one audit row."""

from __future__ import annotations

from typing import Any

from django_fsm import ConcurrentTransition

from applications.models import ApplicationTask
from approvals.models import OPEN_STATUSES, ApprovalRequest, AuditAction
from approvals.services.audit import audit_entry
from core import events, rows


def approval_cancel_for_task(
    *, task: ApplicationTask, actor: str, reason: str = "", **_: Any
) -> None:
    approval = (
        ApprovalRequest.objects.select_for_update()
        .filter(task_id=task.pk, status__in=OPEN_STATUSES)
        .first()
    )
    if approval is None:
        return
    from_status = approval.status
    approval.cancel(outcome=f"the application was cancelled by {actor}")
    if not rows.update_if(approval, where={"id": approval.pk, "status": from_status}):
        raise ConcurrentTransition(f"Approval {approval.pk} is no longer {from_status}.")
    events.approval_changed(approval)
    audit_entry(
        approval,
        AuditAction.CANCELLED,
        actor=actor,
        old_status=from_status,
        new_status=approval.status,
        comment=reason,
    ).save()
