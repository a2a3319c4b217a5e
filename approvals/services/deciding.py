"""Decisions: an approver's yes or no, by link or signed in, one per approver. A rejection by an
approver rejects at once; the quorum of approvals approves at once (a yes of an escalation's
approver decides alone). The request's outcome is written with its task's transition, in one
statement: an approval makes the task APPROVED and publishes its submit on commit (approvals
queue, highest broker priority), asking running work that holds the slot it needs to pause; a
rejection ends the task and gives its duplicate lock back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from applications.models import ApplicationTask, TaskState
from approvals.exceptions import (
    ApprovalClosed,
    ApprovalExpired,
    ApprovalNotFound,
    ApprovalNotReady,
    NotAnApprover,
)
from approvals.models import (
    ApprovalDecision,
    ApprovalLink,
    ApprovalRequest,
    ApprovalStatus,
    AuditAction,
)
from approvals.models.requests import approver_key
from approvals.services import questions, timeouts
from approvals.services.audit import SYSTEM, Via, audit_entry
from approvals.services.closing import close
from approvals.services.tokens import token_hash
from core import events, rows
from jobs.models import JobPosting

# The decision's read of the request, locked (the conditions follow).
_LOCKED_READ = f"SELECT * FROM {rows.quote(ApprovalRequest._meta.db_table)}"
_LINK_READ = f"SELECT * FROM {rows.quote(ApprovalLink._meta.db_table)} WHERE token_hash = %s"


@dataclass(frozen=True)
class Approver:
    """Who decides: their key in the request's policy, how they are shown, their account."""

    key: str
    label: str
    user: Any = None
    link: ApprovalLink | None = None


def approval_decide(
    *,
    approval_id: int,
    user: Any,
    approve: bool,
    comment: str = "",
    via: Via = SYSTEM,
    answers: dict[str, Any] | None = None,
) -> ApprovalRequest:
    """Approve or reject while signed in: the applicant, or another of the request's approvers.
    Anyone else finds no such request (404). `answers`: the form's questions answered, by
    question (approvals.services.questions)."""
    with transaction.atomic():
        found = rows.read(
            ApprovalRequest, f"{_LOCKED_READ} WHERE id = %s FOR UPDATE", [approval_id]
        )
        approver = Approver(key=approver_key(user_id=user.pk), label=user.get_username(), user=user)
        if found and found[0].user_id != user.pk and not _listed(found[0], approver.key):
            found = []
        approval = _decide(
            found, approver, approve=approve, comment=comment, via=via, answers=answers
        )
    return unless_timed_out(approval)


def approval_decide_by_token(
    *,
    token: str,
    approve: bool,
    comment: str = "",
    via: Via = SYSTEM,
    answers: dict[str, Any] | None = None,
) -> ApprovalRequest:
    """Approve or reject by an approver's link: the token is the proof of who decides."""
    with transaction.atomic():
        link = link_by_token(token)
        found = rows.read(
            ApprovalRequest, f"{_LOCKED_READ} WHERE id = %s FOR UPDATE", [link.request_id]
        )
        approver = Approver(key=link.approver_key, label=link.label, user=None, link=link)
        approval = _decide(
            found, approver, approve=approve, comment=comment, via=via, answers=answers
        )
    return unless_timed_out(approval)


def locked_request(approval_id: int) -> ApprovalRequest:
    """The request and its task, locked in that order (as the decisions and sweeps take them),
    with the task's posting. Raises ApprovalNotFound."""
    return _locked(
        rows.read(ApprovalRequest, f"{_LOCKED_READ} WHERE id = %s FOR UPDATE", [approval_id])
    )


def unless_timed_out(approval: ApprovalRequest) -> ApprovalRequest:
    """The decided request; or, when its deadline had passed and the decision applied the
    timeout instead (now committed), a 410 that says what happened."""
    if getattr(approval, "timed_out_now", False):
        raise _Expired(approval)
    return approval


def link_by_token(token: str) -> ApprovalLink:
    found = rows.read(ApprovalLink, _LINK_READ, [token_hash(token)])
    if not found:
        raise ApprovalNotFound("No approval request matches this link or id.")
    return found[0]


def _listed(approval: ApprovalRequest, key: str) -> bool:
    policy = approval.policy
    listed = [approver["key"] for approver in policy.get("approvers", [])]
    if approval.status == ApprovalStatus.ESCALATED:
        listed += [approver["key"] for approver in policy.get("escalate_to", [])]
    return key in listed


def _decide(
    found: list[ApprovalRequest],
    approver: Approver,
    *,
    approve: bool,
    comment: str,
    via: Via,
    answers: dict[str, Any] | None,
) -> ApprovalRequest:
    approval = _locked(found)
    closed_reason(approval)
    task = approval.task
    if approval.is_expired:
        # Enforced at decision time, as the sweep would: the timeout is written (and committed
        # by the caller) and the decision refused; an escalation leaves the request open.
        timeouts.time_out(approval, task, actor=approver.label, via=via)
        if not approval.is_open:
            approval.timed_out_now = True
            return approval
    if not _listed(approval, approver.key):
        raise NotAnApprover("You are not one of the approvers of this application.")
    refuse_unless_ready(task, approve=approve)
    if approve:
        # In the decision's transaction: the checkpoint's answers written with the task's
        # change below, the profile's now.
        questions.answers_record(task, questions.answers_check(task, answers))
    decisions = list(approval.decisions.all()) if approval.policy.get("required", 1) > 1 else []
    if any(decision.approver_key == approver.key for decision in decisions):
        raise ApprovalClosed("You decided on this application already.")
    decision = ApprovalDecision(
        request=approval,
        approver_key=approver.key,
        label=approver.label,
        link=approver.link,
        # A link's approver with an account is that account, though not signed in.
        user_id=approver.user.pk if approver.user else getattr(approver.link, "user_id", None),
        approve=approve,
        comment=comment,
    )
    given = 1 + sum(1 for earlier in decisions if earlier.approve)
    escalation = approver.link is not None and approver.link.escalation
    if not approve or escalation or given >= approval.policy.get("required", 1):
        # A rejection rejects at once; the quorum (or an escalation's approver) approves.
        transition = "approve" if approve else "reject"
        close(
            approval,
            task,
            transition,
            actor=approver.label,
            via=via,
            outcome=f"{transition}d by {approver.label}",
            comment=comment,
            records=[decision],
        )
    else:
        if task.unstored_changes():
            rows.update_if(task, where={"id": task.pk, "state": task.state})
        decision.save()
        audit_entry(
            approval,
            AuditAction.DECIDED,
            actor=approver.label,
            via=via,
            old_status=approval.status,
            new_status=approval.status,
            comment=comment,
            data={"approve": True, "given": given, "required": approval.policy.get("required")},
        ).save()
        # Still open, one decision more: the review pages and the dashboard show it.
        events.approval_changed(approval)
    return approval


class _Expired(ApprovalExpired):
    def __init__(self, approval: ApprovalRequest) -> None:
        super().__init__(
            f"This approval expired at {approval.expires_at:%H:%M:%S} UTC "
            f"({approval.outcome}); this decision was not taken."
        )


def refuse_unless_ready(task: ApplicationTask, *, approve: bool) -> None:
    """A decision on a request whose task is not PENDING_APPROVAL is refused (409), saying why:
    it waits for the person's answer (a rejection may end it there), it is still being filled
    in, or it ended another way."""
    if task.state == TaskState.PENDING_APPROVAL:
        return
    if task.state == TaskState.WAITING_FOR_PERSON:
        if not approve:
            return
        prompt = (task.checkpoint.get("handoff") or {}).get("prompt") or "the site asks for you"
        raise ApprovalNotReady(
            f"This application is waiting for you: {prompt} Answer that first on the review "
            "page; you approve it once it is filled in."
        )
    if task.state in (TaskState.QUEUED, TaskState.RUNNING):
        raise ApprovalNotReady(
            "This application is still being filled in; you can approve it once it is ready."
        )
    raise ApprovalNotReady(
        f"This application is {task.get_state_display().lower()}: there is nothing to decide."
    )


def closed_reason(approval: ApprovalRequest) -> None:
    """Raise what a decision on a closed request gets: 410 when it expired or was cancelled
    (the link is dead), 409 when it was decided already."""
    if approval.status == ApprovalStatus.EXPIRED:
        raise _Expired(approval)
    if approval.status == ApprovalStatus.CANCELLED:
        raise ApprovalExpired("This application was cancelled; its links no longer work.")
    if not approval.is_open:
        raise ApprovalClosed(f"This approval is already {approval.get_status_display().lower()}.")


def _locked(found: list[ApprovalRequest]) -> ApprovalRequest:
    """The request (locked by the caller's read) with its task, locked in that order (as the
    sweeps do), and the task's posting."""
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


def approver_listed(approval: ApprovalRequest, key: str) -> bool:
    """Whether the approver `key` may decide on the request now: one of its approvers, or of its
    escalation's once it is escalated (what the review page asks before it offers the forms)."""
    return _listed(approval, key)
