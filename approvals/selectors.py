"""Reads of the approvals domain; every one is scoped to the user asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Extract
from django.shortcuts import get_object_or_404
from django.utils import timezone

from applications.models import ApplicationRun
from approvals.models import (
    OPEN_STATUSES,
    ApprovalDecision,
    ApprovalLink,
    ApprovalRequest,
    ApprovalStatus,
    AuditEntry,
    AutoApproveRule,
)

# Filters of the list beyond the statuses: every request still waiting for a decision.
OPEN = "open"
# How a timeout that approved says so (approvals.services.timeouts writes the outcome): such a
# request is APPROVED, and counted as a timeout, not as an approval.
TIMED_OUT_OUTCOME = "no decision in time"
URGENT = timedelta(minutes=15)
EXPIRING = timedelta(hours=1)
STATS_DEFAULT_DAYS = 30


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


class Median(Aggregate):
    """PostgreSQL's continuous median of its expression."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False


@dataclass(frozen=True)
class ApprovalStats:
    since: datetime
    until: datetime
    total: int
    approved: int
    rejected: int
    timed_out: int
    cancelled: int
    pending: int
    urgent: int
    expiring: int
    mean_decision_seconds: float | None
    median_decision_seconds: float | None

    def rate(self, count: int) -> float | None:
        return round(count / self.total, 4) if self.total else None


def approval_stats(
    *,
    user: AbstractBaseUser,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> ApprovalStats:
    """The user's requests made in [since, until) (by default the last 30 days): how many, and
    how many ended approved (by a person or a rule), rejected, timed out (expired, or approved
    by the timeout) and cancelled; the mean and median time from request to decision, over
    those a person or a rule decided; and, whatever the range, how many are open now, how
    many of those have under 15 minutes left (urgent) and under an hour (expiring). One
    statement (pinned by test_approval_statistics_are_read_in_one_statement)."""
    now = now or timezone.now()
    until = until or now
    since = since or until - timedelta(days=STATS_DEFAULT_DAYS)
    in_range = Q(created_at__gte=since, created_at__lt=until)
    timeout_approved = Q(status=ApprovalStatus.APPROVED, outcome__startswith=TIMED_OUT_OUTCOME)
    approved = in_range & Q(status=ApprovalStatus.APPROVED) & ~timeout_approved
    decided = approved | (in_range & Q(status=ApprovalStatus.REJECTED))
    is_open = Q(status__in=OPEN_STATUSES)
    seconds = Extract(
        ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField()),
        "epoch",
    )
    figures: dict[str, Any] = ApprovalRequest.objects.filter(user=user).aggregate(
        total=Count("pk", filter=in_range),
        approved=Count("pk", filter=approved),
        rejected=Count("pk", filter=in_range & Q(status=ApprovalStatus.REJECTED)),
        timed_out=Count(
            "pk", filter=in_range & (Q(status=ApprovalStatus.EXPIRED) | timeout_approved)
        ),
        cancelled=Count("pk", filter=in_range & Q(status=ApprovalStatus.CANCELLED)),
        pending=Count("pk", filter=is_open),
        urgent=Count("pk", filter=is_open & Q(expires_at__lt=now + URGENT)),
        expiring=Count("pk", filter=is_open & Q(expires_at__lt=now + EXPIRING)),
        mean_decision_seconds=Avg(seconds, filter=decided, output_field=FloatField()),
        median_decision_seconds=Median(seconds, filter=decided),
    )
    for name in ("mean_decision_seconds", "median_decision_seconds"):
        if figures[name] is not None:
            figures[name] = round(float(figures[name]), 3)
    return ApprovalStats(since=since, until=until, **figures)
