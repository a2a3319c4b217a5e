"""Hand-offs to the person: a page asks for what only they can give (an e-mailed or two-factor
code, the characters of a CAPTCHA, a login), so the task waits without a worker slot and the
person is asked through the approval request the task will be approved by.

The request is opened at the first hand-off, under the policy in force, with its links: the
same links then carry the answer and, once the task is prepared, the decision (one request per
task, so that one link, one audit log and one deadline follow the application from the first
question to the submit). Each hand-off, answer and readiness renews the deadline, since the
person's time to answer is not the approver's time to decide. The hand-off is asked of the
applicant (who has the code), or of every approver when the applicant is not one.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from applications.models import ApplicationTask, TaskState
from applications.services.failures import task_fail
from applications.services.preparing import task_hand_off
from applications.services.queueing import task_requeue
from approvals.exceptions import AnswersMissing, ApprovalClosed, ApprovalNotReady, NotAnApprover
from approvals.models import (
    ApprovalLink,
    ApprovalRequest,
    AuditAction,
    NotificationKind,
)
from approvals.services import notifying, timeouts
from approvals.services.audit import SYSTEM, SYSTEM_ACTOR, Via, audit_entry
from approvals.services.deciding import (
    approver_listed,
    closed_reason,
    link_by_token,
    locked_request,
    unless_timed_out,
)
from approvals.services.opening import approval_new, deadline_renew
from approvals.services.tokens import token_unseal
from core import events, rows

# What a page may ask of the person (NeedsPerson.kind).
HANDOFF_KINDS = ("code", "captcha", "login")
MAX_ANSWER_LENGTH = 500
# The answer kept for a login, where the person signs in and leaves a note that may be empty.
SIGNED_IN = "signed in"


def links_asked(
    approval: ApprovalRequest, links: list[tuple[ApprovalLink, str | None]]
) -> list[tuple[ApprovalLink, str]]:
    """The links a hand-off is sent to: the applicant's own, else every approver's (never an
    escalation's, whose people decide, not answer)."""
    usable = [(link, token) for link, token in links if token and not link.escalation]
    own = [(link, token) for link, token in usable if link.user_id == approval.user_id]
    return own or usable


def approval_ask_person(
    *, task: ApplicationTask, step: str, kind: str, prompt: str
) -> ApprovalRequest | None:
    """A running task's step needs the person: RUNNING → WAITING_FOR_PERSON with the hand-off
    in its checkpoint (`handoff`: kind, prompt, step, answer None, asked_at, answered_at None),
    its session handed to the user's next waiting task, and the person asked with their link
    (the request opened now, with its links and audit rows, in the statement of the
    transition; or, asked again, the open request's deadline renewed). Returns the request, or
    None when the task failed instead (its request ended meanwhile). Raises TaskLost when the
    row is no longer the worker's."""
    now = timezone.now()
    task.checkpoint = {
        **task.checkpoint,
        "handoff": {
            "kind": kind if kind in HANDOFF_KINDS else "code",
            "prompt": prompt,
            "step": step,
            "answer": None,
            "asked_at": now.isoformat(),
            "answered_at": None,
        },
    }
    reason = f"step {step!r} needs the person ({kind}): {prompt}"
    approval = ApprovalRequest.objects.filter(task_id=task.pk).first()
    if approval is None:
        return _open_for_person(task, reason=reason)
    with transaction.atomic():
        approval = ApprovalRequest.objects.select_for_update().get(pk=approval.pk)
        if not approval.is_open:
            task_fail(task=task, reason=f"{reason}; its approval request is {approval.status}")
            return None
        deadline_renew(approval)
        renewed = rows.ConditionalUpdate(
            approval, where={"id": approval.pk, "status": approval.status}
        )
        asked = _asked_entry(approval, task)
        task_hand_off(task=task, records=[renewed, asked], reason=reason)
        if not renewed.matched:
            raise ConcurrentTransition(f"Approval {approval.pk} closed meanwhile.")
        links = [(link, token_unseal(link.sealed_token)) for link in approval.links.all()]
        notifying.notify(approval, links_asked(approval, links), kind=NotificationKind.NEEDS_PERSON)
        events.approval_changed(approval)
    return approval


def _open_for_person(task: ApplicationTask, *, reason: str) -> ApprovalRequest:
    """The task's first hand-off: its request made as a prepared task's is (approval_new), its
    notifications to the people asked written in the same statement. No auto-approve rule is
    tried: there is nothing to approve yet."""
    opening = approval_new(task)
    approval = opening.approval
    asked = links_asked(approval, opening.links)
    kind = NotificationKind.NEEDS_PERSON
    notifications = notifying.notifications_plan(approval, asked, kind=kind)
    audit = notifying.notifications_audit(approval, notifications)
    records = [*opening.records, _asked_entry(approval, task), *notifications, *audit]
    task_hand_off(task=task, records=records, reason=reason)
    notifying.notifications_publish(
        approval, notifications, kind=NotificationKind.NEEDS_PERSON, approvers=len(asked)
    )
    events.approval_changed(approval)
    return approval


def _asked_entry(approval: ApprovalRequest, task: ApplicationTask) -> Any:
    handoff = task.checkpoint["handoff"]
    return audit_entry(
        approval,
        AuditAction.ASKED,
        actor=SYSTEM_ACTOR,
        old_status=approval.status,
        new_status=approval.status,
        data={key: handoff[key] for key in ("kind", "step", "prompt")},
    )


def approval_answer_by_token(*, token: str, answer: str, via: Via = SYSTEM) -> ApprovalRequest:
    """The person's answer by their link: stored in the task's checkpoint (`handoff.answer`,
    `handoff.answered_at`), the task WAITING_FOR_PERSON → QUEUED at priority 100 (the next of
    its user's to get a session, at once when one is free, with a new prepare message) to redo
    the step that asked, and the request's deadline renewed; one audit row, which never holds
    the answer (a code is a secret). Raises ApprovalNotReady (409) when the task is not waiting
    for an answer, ApprovalClosed or ApprovalExpired for a request that ended (a late answer
    applies the timeout, as a late decision does), NotAnApprover, and AnswersMissing (400) for
    an empty code."""
    with transaction.atomic():
        link = link_by_token(token)
        approval = locked_request(link.request_id)
        closed_reason(approval)
        task = approval.task
        if approval.is_expired:
            # As a late decision does: the timeout is applied (and committed), the answer
            # refused (410).
            timeouts.time_out(approval, task, actor=link.label, via=via)
            approval.timed_out_now = not approval.is_open
        if not getattr(approval, "timed_out_now", False):
            if not approver_listed(approval, link.approver_key):
                raise NotAnApprover("You are not one of the approvers of this application.")
            _answer(approval, task, link, answer=answer, via=via)
    return unless_timed_out(approval)


def _answer(
    approval: ApprovalRequest, task: ApplicationTask, link: ApprovalLink, *, answer: str, via: Via
) -> None:
    handoff = dict(task.checkpoint.get("handoff") or {})
    if task.state != TaskState.WAITING_FOR_PERSON or not handoff:
        if handoff.get("answered_at"):
            raise ApprovalClosed("This was answered already; the application carries on.")
        raise ApprovalNotReady("This application is not waiting for an answer.")
    answer = answer.strip() or (SIGNED_IN if handoff.get("kind") == "login" else "")
    if not answer:
        what = "characters you see" if handoff.get("kind") == "captcha" else "code"
        raise AnswersMissing(f"Enter the {what} first.", extra={"missing": ["answer"]})
    handoff.update(answer=answer[:MAX_ANSWER_LENGTH], answered_at=timezone.now().isoformat())
    task.checkpoint = {**task.checkpoint, "handoff": handoff}
    deadline_renew(approval)
    renewed = rows.ConditionalUpdate(approval, where={"id": approval.pk, "status": approval.status})
    entry = audit_entry(
        approval,
        AuditAction.ANSWERED,
        actor=link.label,
        via=via,
        old_status=approval.status,
        new_status=approval.status,
        data={"kind": handoff.get("kind"), "step": handoff.get("step")},
    )
    task_requeue(
        task,
        transition="answered",
        actor=link.label,
        reason=f"{handoff.get('kind')} answered by {link.label}",
        waits=True,
        along=[renewed, entry],
    )
    if not renewed.matched:
        raise ConcurrentTransition(f"Approval {approval.pk} changed meanwhile.")
    events.approval_changed(approval)
