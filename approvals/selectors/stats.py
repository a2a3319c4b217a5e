"""Statistics of a user's approvals over a date range, in one statement."""

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
    Q,
)
from django.db.models.functions import Extract
from django.utils import timezone

from approvals.models import (
    OPEN_STATUSES,
    ApprovalRequest,
    ApprovalStatus,
)
from approvals.services.timeouts import TIMED_OUT_OUTCOME

URGENT = timedelta(minutes=15)
EXPIRING = timedelta(hours=1)
STATS_DEFAULT_DAYS = 30


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
