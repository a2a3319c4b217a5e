"""A prepared task's approval request: made under the policy in force (copied onto it), with one
link per approver and its audit row, in the statement that makes the task PENDING_APPROVAL; then
the approvers are told, or an auto-approve rule decides at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django_fsm import ConcurrentTransition

from applications.models import ApplicationTask
from applications.services.failures import task_fail
from applications.services.preparing import task_mark_prepared
from approvals.models import (
    ApprovalLink,
    ApprovalRequest,
    AuditAction,
    AutoApproveRule,
    NotificationKind,
)
from approvals.services import notifying
from approvals.services.audit import SYSTEM_ACTOR, audit_entry
from approvals.services.policies import policy_and_rules_in_force
from approvals.services.tokens import token_hash, token_new, token_seal, token_unseal
from core import events, rows

# The reminder goes out when this share of the time is left.
REMIND_AT_SHARE_LEFT = 0.2


@dataclass
class Opening:
    """A request about to be made, with everything written with it: its links (and their
    tokens, in clear only here, in memory) and its audit row."""

    approval: ApprovalRequest
    links: list[tuple[ApprovalLink, str]] = field(default_factory=list)
    records: list[Model] = field(default_factory=list)
    # The user's enabled auto-approve rules, read with the policy; tried once the request is made.
    rules: list[AutoApproveRule] = field(default_factory=list)

    @property
    def applicant_token(self) -> str | None:
        """The applicant's own link token, when the applicant may approve."""
        user_id = self.approval.user_id
        return next((token for link, token in self.links if link.user_id == user_id), None)


def deadline_renew(approval: ApprovalRequest) -> None:
    """A new deadline (the request's policy's TTL from now) and its reminder, in memory: written
    with the change that renews them (a hand-off, its answer, the task prepared after one)."""
    now = timezone.now()
    ttl = timedelta(seconds=approval.policy.get("ttl_seconds", settings.APPROVAL_TTL_SECONDS))
    approval.expires_at = now + ttl
    approval.remind_at = now + ttl * (1 - REMIND_AT_SHARE_LEFT)


def approval_new(task: ApplicationTask) -> Opening:
    """The approval request of a task, not yet saved, under the policy in force for its run."""
    policy, rules = policy_and_rules_in_force(user_id=task.user_id, run_id=task.run_id)
    now = timezone.now()
    ttl = timedelta(seconds=policy["ttl_seconds"])
    approval = ApprovalRequest(
        task=task,
        user_id=task.user_id,
        policy=policy,
        expires_at=now + ttl,
        remind_at=now + ttl * (1 - REMIND_AT_SHARE_LEFT),
    )
    opening = Opening(approval=approval, records=[approval], rules=rules)
    for approver in policy["approvers"]:
        opening.links.append(link_new(approval, approver, escalation=False))
    opening.records += [link for link, _ in opening.links]
    opening.records.append(
        audit_entry(
            approval,
            AuditAction.CREATED,
            actor=SYSTEM_ACTOR,
            new_status=approval.status,
            data={"policy": policy["source"], "approvers": len(opening.links)},
        )
    )
    return opening


def link_new(
    approval: ApprovalRequest, approver: dict[str, Any], *, escalation: bool
) -> tuple[ApprovalLink, str]:
    token = token_new()
    link = ApprovalLink(
        request=approval,
        user_id=approver["user_id"],
        email=approver["email"] or "",
        label=approver["label"],
        token_hash=token_hash(token),
        sealed_token=token_seal(token),
        escalation=escalation,
    )
    return link, token


def approval_request_open(*, task: ApplicationTask) -> Opening:
    """A running task whose every step is done: RUNNING → PENDING_APPROVAL with its approval
    request, links and audit row, in one statement; then the approvers are told, or the user's
    auto-approve rule approves. Raises TaskLost when the row is no longer the worker's.

    A user without rules (most users, and every prepare pays for this path) gets the approvers'
    notifications written in that same statement too, with no transaction around it: nothing
    can approve the request at once, so nothing else is to be written with it.

    A task that waited for the person has its request already (opened at the hand-off): that
    request is made ready instead (approval_ready_after_handoff)."""
    if task.checkpoint.get("handoff"):
        ready = approval_ready_after_handoff(task=task)
        if ready is not None:
            return ready
    opening = approval_new(task)
    if opening.rules:
        with transaction.atomic():
            task_mark_prepared(task=task, records=opening.records)
            _after_opening(opening)
        return opening
    approval = opening.approval
    notifications = notifying.notifications_plan(
        approval, opening.links, kind=NotificationKind.REQUESTED
    )
    audit = notifying.notifications_audit(approval, notifications)
    task_mark_prepared(task=task, records=[*opening.records, *notifications, *audit])
    notifying.notifications_publish(
        approval, notifications, kind=NotificationKind.REQUESTED, approvers=len(opening.links)
    )
    return opening


def approval_ready_after_handoff(*, task: ApplicationTask) -> Opening | None:
    """A running task whose every step is done, and whose request was opened when a step needed
    the person: RUNNING → PENDING_APPROVAL with that request's deadline renewed and a "ready"
    audit row, in one statement; then its auto-approve rules are tried, or its approvers told
    with the links they already have. A request that ended meanwhile (expired, cancelled)
    fails the task, since a task has one request. None when the task has no request after all
    (the caller makes one)."""
    _, rules = policy_and_rules_in_force(user_id=task.user_id, run_id=task.run_id)
    with transaction.atomic():
        approval = ApprovalRequest.objects.select_for_update().filter(task_id=task.pk).first()
        if approval is None:
            return None
        if not approval.is_open:
            task_fail(task=task, reason=f"Its approval request is {approval.status} already.")
            return Opening(approval=approval)
        deadline_renew(approval)
        renewed = rows.ConditionalUpdate(
            approval, where={"id": approval.pk, "status": approval.status}
        )
        ready = audit_entry(
            approval,
            AuditAction.READY,
            actor=SYSTEM_ACTOR,
            old_status=approval.status,
            new_status=approval.status,
        )
        task_mark_prepared(task=task, records=[renewed, ready])
        if not renewed.matched:
            raise ConcurrentTransition(f"Approval {approval.pk} changed meanwhile.")
        ApprovalRequest.task.field.set_cached_value(approval, task)
        links = [(link, token_unseal(link.sealed_token)) for link in approval.links.all()]
        opening = Opening(
            approval=approval,
            links=[(link, token) for link, token in links if token is not None],
            rules=rules,
        )
        events.approval_changed(approval)
        _after_opening(opening)
    return opening


def approval_create(*, task: ApplicationTask) -> Opening:
    """The approval request of a task that is already PENDING_APPROVAL, saved."""
    opening = approval_new(task)
    with transaction.atomic():
        # In order: the links and the audit row take the id of the request saved before them.
        for record in opening.records:
            record.save()
        _after_opening(opening)
    return opening


def _after_opening(opening: Opening) -> None:
    from approvals.services.rules import rule_apply

    if rule_apply(opening.approval, rules=opening.rules):
        return
    notifying.notify_requested(opening)
