"""Deadlines: the beat's sweeps (and a decision that comes too late) apply each request's
timeout action exactly once — approve submits, reject ends the task, escalate sends new links
to `escalate_to`, extends the deadline once and rejects at the second — and send the one
reminder when a fifth of the time is left. Two beat processes never act on one row twice: rows
are taken with SKIP LOCKED and every write is conditional on the status it started from."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from applications.models import ApplicationTask, TaskState
from approvals.models import (
    OPEN_STATUSES,
    ApprovalRequest,
    ApprovalStatus,
    AuditAction,
    TimeoutAction,
)
from approvals.services import notifying
from approvals.services.audit import SWEEP_ACTOR, SYSTEM, Via, audit_entry
from approvals.services.closing import close, request_transition
from approvals.services.opening import link_new
from approvals.services.questions import questions_unanswered
from approvals.services.tokens import token_unseal
from core import rows

# How every timeout's outcome begins; statistics count a request that a timeout approved (and
# so APPROVED) as a timeout, not an approval, by it.
TIMED_OUT_OUTCOME = "no decision in time"


def time_out(
    approval: ApprovalRequest, task: ApplicationTask, *, actor: str, via: Via = SYSTEM
) -> None:
    """Apply the request's timeout action; the request and its task are locked by the caller. A
    task with warnings (a repost) is never approved for want of a decision: it is rejected."""
    action = approval.policy.get("timeout_action", TimeoutAction.REJECT)
    if task.state != TaskState.PENDING_APPROVAL or (
        action == TimeoutAction.APPROVE and task.warnings
    ):
        action = TimeoutAction.REJECT
    elif action == TimeoutAction.APPROVE and questions_unanswered(task):
        # A timeout approves only what a person could have approved as it stands.
        action = TimeoutAction.REJECT
    if approval.status == ApprovalStatus.PENDING and action == TimeoutAction.ESCALATE:
        _escalate(approval, actor=actor, via=via)
    elif approval.status == ApprovalStatus.PENDING and action == TimeoutAction.APPROVE:
        close(
            approval,
            task,
            "approve",
            actor=actor,
            via=via,
            action=AuditAction.TIMED_OUT,
            outcome=f"{TIMED_OUT_OUTCOME}: approved, as the policy says",
        )
    else:
        second = " after its escalation" if approval.status == ApprovalStatus.ESCALATED else ""
        outcome = f"{TIMED_OUT_OUTCOME}{second}: not submitted"
        if task.state in (TaskState.PENDING_APPROVAL, TaskState.WAITING_FOR_PERSON):
            close(
                approval,
                task,
                "expire",
                actor=actor,
                via=via,
                outcome=outcome,
                action=AuditAction.TIMED_OUT,
            )
        else:
            # The task has left PENDING_APPROVAL another way: the request alone.
            request_transition(
                approval,
                "expire",
                action=AuditAction.TIMED_OUT,
                actor=actor,
                via=via,
                data={"outcome": outcome},
                outcome=outcome,
            )


def _escalate(approval: ApprovalRequest, *, actor: str, via: Via) -> None:
    """PENDING → ESCALATED: the deadline extended once, a link for each of `escalate_to`, and
    those links sent on commit."""
    extension = timedelta(seconds=approval.policy.get("escalation_extension_seconds", 1200))
    expires_at = timezone.now() + extension
    people = approval.policy.get("escalate_to", [])
    request_transition(
        approval,
        "escalate",
        action=AuditAction.ESCALATED,
        actor=actor,
        via=via,
        data={"to": [person["label"] for person in people], "expires_at": expires_at.isoformat()},
        expires_at=expires_at,
    )
    links = [link_new(approval, person, escalation=True) for person in people]
    for link, _ in links:
        link.save()
    notifying.notify(approval, links, kind="escalated")


def approvals_time_out_due(*, limit: int = 500) -> int:
    """Apply the timeout of every open request past its deadline; returns how many."""
    done = 0
    for approval_id in _due(Q(expires_at__lte=timezone.now()), limit):
        with transaction.atomic():
            approval = _take(approval_id, Q(expires_at__lte=timezone.now()))
            if approval is None:
                continue
            task = (
                ApplicationTask.objects.select_for_update()
                .select_related("job")
                .get(pk=approval.task_id)
            )
            time_out(approval, task, actor=SWEEP_ACTOR)
            done += 1
    return done


def approvals_remind_due(*, limit: int = 500) -> int:
    """Send the reminder of every open request with a fifth of its time left, once: to each
    approver who has not decided, with their own link. Returns how many requests."""
    done = 0
    for approval_id in _due(Q(remind_at__lte=timezone.now()), limit):
        with transaction.atomic():
            approval = _take(approval_id, Q(remind_at__lte=timezone.now()))
            if approval is None:
                continue
            remind_at = approval.remind_at
            approval.remind_at = None
            if not rows.update_if(approval, where={"id": approval.pk, "remind_at": remind_at}):
                continue
            decided = set(approval.decisions.values_list("approver_key", flat=True))
            links = [
                (link, token)
                for link in approval.links.all()
                if link.approver_key not in decided
                and (token := token_unseal(link.sealed_token)) is not None
            ]
            audit_entry(
                approval,
                AuditAction.REMINDED,
                actor=SWEEP_ACTOR,
                old_status=approval.status,
                new_status=approval.status,
                data={"to": [link.label for link, _ in links]},
            ).save()
            notifying.notify(approval, links, kind="reminder")
            done += 1
    return done


def _due(condition: Q, limit: int) -> list[int]:
    return list(
        ApprovalRequest.objects.filter(condition, status__in=OPEN_STATUSES)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )


def _take(approval_id: int, condition: Q) -> ApprovalRequest | None:
    """The request, locked, if it is still open and due and no other sweeper holds it."""
    return (
        ApprovalRequest.objects.select_for_update(skip_locked=True)
        .filter(condition, pk=approval_id, status__in=OPEN_STATUSES)
        .first()
    )
