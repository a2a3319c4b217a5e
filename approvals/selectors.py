"""Reads of the approvals domain; every one is scoped to the user asking."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from approvals.models import ApprovalRequest


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
