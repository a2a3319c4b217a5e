"""A cancelled task cancels its open approval request, in the same transaction: the request
CANCELLED, its links dead, one audit row."""

from __future__ import annotations

from typing import Any

from applications.models import ApplicationTask
from approvals.models import OPEN_STATUSES, ApprovalRequest, AuditAction
from approvals.services.closing import request_transition


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
    request_transition(
        approval,
        "cancel",
        action=AuditAction.CANCELLED,
        actor=actor,
        comment=reason,
        outcome=f"the application was cancelled by {actor}",
    )
