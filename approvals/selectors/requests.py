"""A user's approval requests, rules and runs, scoped to the user asking."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Prefetch,
    Q,
    QuerySet,
)
from django.shortcuts import get_object_or_404

from applications.models import ApplicationRun
from approvals.models import (
    OPEN_STATUSES,
    ApprovalDecision,
    ApprovalLink,
    ApprovalRequest,
    AuditEntry,
    AutoApproveRule,
    Notification,
    NotificationChannel,
    NotificationEndpoint,
)

# Filters of the list beyond the statuses: every request still waiting for a decision.
OPEN = "open"


def approval_list(
    *, user: AbstractBaseUser, status: str | None = None, open: bool | None = None
) -> QuerySet[ApprovalRequest]:
    approvals = ApprovalRequest.objects.filter(user=user).select_related("task__job")
    if status:
        approvals = approvals.filter(status=status)
    if open is not None:
        condition = Q(status__in=OPEN_STATUSES)
        approvals = approvals.filter(condition if open else ~condition)
    return approvals.order_by("-created_at", "-pk")


def approval_get(*, user: AbstractBaseUser, approval_id: int) -> ApprovalRequest:
    return get_object_or_404(
        ApprovalRequest.objects.select_related("task__job"), pk=approval_id, user=user
    )


def approval_detail(*, user: AbstractBaseUser, approval_id: int) -> ApprovalRequest:
    """One request with its decisions, links and audit log, for its applicant or for one of
    its approvers with an account (listed in the policy it was sent under, or its escalation's);
    anyone else finds none (404)."""
    listed = [{"user_id": user.pk}]
    visible = (
        Q(user=user)
        | Q(policy__approvers__contains=listed)
        | Q(policy__escalate_to__contains=listed)
    )
    return get_object_or_404(
        ApprovalRequest.objects.filter(visible)
        .select_related("task__job", "decided_by")
        .prefetch_related(
            Prefetch("decisions", ApprovalDecision.objects.order_by("decided_at", "pk")),
            Prefetch("links", ApprovalLink.objects.order_by("created_at", "pk")),
            Prefetch("audit", AuditEntry.objects.order_by("created_at", "pk")),
        ),
        pk=approval_id,
    )


def rule_list(*, user: AbstractBaseUser) -> QuerySet[AutoApproveRule]:
    return AutoApproveRule.objects.filter(user=user).order_by("position", "id")


def rule_get(*, user: AbstractBaseUser, rule_id: int) -> AutoApproveRule:
    return get_object_or_404(rule_list(user=user), pk=rule_id)


def run_of(*, user: AbstractBaseUser, run_id: int) -> ApplicationRun:
    """The user's run, for its approval policy; another's is not found (404)."""
    return get_object_or_404(ApplicationRun.objects.only("id", "user_id"), pk=run_id, user=user)


def notification_list(
    *, user: AbstractBaseUser, unread: bool | None = None
) -> QuerySet[Notification]:
    """The user's in-app notifications, newest first."""
    notifications = Notification.objects.filter(
        user=user, channel=NotificationChannel.IN_APP
    ).select_related("request__task__job", "link")
    if unread is not None:
        notifications = notifications.filter(read_at__isnull=unread)
    return notifications.order_by("-created_at", "-pk")


def notification_get(*, user: AbstractBaseUser, notification_id: int) -> Notification:
    return get_object_or_404(
        Notification.objects.select_related("request__task__job", "link"),
        pk=notification_id,
        user=user,
        channel=NotificationChannel.IN_APP,
    )


def endpoint_list(*, user: AbstractBaseUser) -> QuerySet[NotificationEndpoint]:
    return NotificationEndpoint.objects.filter(user=user).order_by("-created_at", "-pk")
