"""Reads of the approvals domain; every one is scoped to the user asking."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from approvals.models import (
    ApprovalRequest,
    Notification,
    NotificationChannel,
    NotificationEndpoint,
)


def approval_list(
    *, user: AbstractBaseUser, status: str | None = None
) -> QuerySet[ApprovalRequest]:
    approvals = ApprovalRequest.objects.filter(user=user).select_related("task__job")
    if status:
        approvals = approvals.filter(status=status)
    return approvals.order_by("-created_at", "-pk")


def approval_get(*, user: AbstractBaseUser, approval_id: int) -> ApprovalRequest:
    return get_object_or_404(
        ApprovalRequest.objects.select_related("task__job"), pk=approval_id, user=user
    )


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
