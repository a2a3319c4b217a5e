"""REST endpoints that show approvals: one request in full (`/api/approvals/{id}/`) and the
user's statistics (`/api/approvals/stats/`)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import selectors
from approvals.api import ApprovalOutput
from approvals.models import ApprovalRequest, TimeoutAction
from config.exceptions import ApplicationError
from config.filters import query_filters


class DecisionEntryOutput(serializers.Serializer):
    approver = serializers.CharField(source="label", help_text="Who decided, as shown.")
    approve = serializers.BooleanField()
    comment = serializers.CharField()
    decided_at = serializers.DateTimeField()


class LinkApproverOutput(serializers.Serializer):
    """An approver who was sent a link (the link itself is never shown)."""

    label = serializers.CharField()
    escalation = serializers.BooleanField(help_text="Sent when the request was escalated.")
    created_at = serializers.DateTimeField()


class AuditEntryOutput(serializers.Serializer):
    action = serializers.CharField()
    actor = serializers.CharField(help_text="A username, an e-mail, system:..., or rule:<name>.")
    old_status = serializers.CharField()
    new_status = serializers.CharField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class PolicyInForceOutput(serializers.Serializer):
    """The policy the request was sent under, as copied onto it; approvers by label only."""

    source = serializers.CharField(help_text="run, user, or defaults.")
    ttl_seconds = serializers.IntegerField()
    timeout_action = serializers.ChoiceField(choices=TimeoutAction.choices)
    required = serializers.IntegerField(help_text="How many approvals approve.")
    require_all = serializers.BooleanField()
    applicant_may_approve = serializers.BooleanField()
    escalation_extension_seconds = serializers.IntegerField()
    notify = serializers.ListField(child=serializers.CharField())
    approvers = serializers.ListField(child=serializers.CharField())
    escalate_to = serializers.ListField(child=serializers.CharField())

    @staticmethod
    def shape(policy: dict[str, Any]) -> dict[str, Any]:
        # What a request stores besides this (approvers' keys and addresses) is not shown.
        return {
            "source": policy.get("source", "defaults"),
            "ttl_seconds": policy.get("ttl_seconds", 0),
            "timeout_action": policy.get("timeout_action", TimeoutAction.REJECT),
            "required": policy.get("required", 1),
            "require_all": policy.get("require_all", False),
            "applicant_may_approve": policy.get("applicant_may_approve", True),
            "escalation_extension_seconds": policy.get("escalation_extension_seconds", 0),
            "notify": list(policy.get("notify", [])),
            "approvers": [person["label"] for person in policy.get("approvers", [])],
            "escalate_to": [person["label"] for person in policy.get("escalate_to", [])],
        }


class ApprovalDetailOutput(ApprovalOutput):
    outcome = serializers.CharField()
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)
    policy = serializers.SerializerMethodField()
    decisions = DecisionEntryOutput(many=True)
    approvers = LinkApproverOutput(many=True, source="links")
    audit = AuditEntryOutput(many=True)

    class Meta(ApprovalOutput.Meta):
        fields = [
            *ApprovalOutput.Meta.fields,
            "outcome",
            "decided_by",
            "escalated_at",
            "policy",
            "decisions",
            "approvers",
            "audit",
        ]

    @extend_schema_field(PolicyInForceOutput)
    def get_policy(self, approval: ApprovalRequest) -> dict[str, Any]:
        return PolicyInForceOutput.shape(approval.policy or {})


class ApprovalDetailApi(APIView):
    """GET one request with its decisions, the policy it was sent under, who was sent a link,
    and its audit log: for its applicant and for its approvers with an account."""

    @extend_schema(responses=ApprovalDetailOutput)
    def get(self, request: Request, approval_id: int) -> Response:
        approval = selectors.approval_detail(user=request.user, approval_id=approval_id)
        return Response(ApprovalDetailOutput(approval).data)


class StatsOutput(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    total = serializers.IntegerField(help_text="Requests made in the range.")
    approved = serializers.IntegerField(help_text="Approved by a person or a rule.")
    rejected = serializers.IntegerField()
    timed_out = serializers.IntegerField(help_text="Expired, or approved by the timeout.")
    cancelled = serializers.IntegerField()
    approval_rate = serializers.FloatField(allow_null=True, help_text="Null when total is 0.")
    rejection_rate = serializers.FloatField(allow_null=True)
    timeout_rate = serializers.FloatField(allow_null=True)
    cancellation_rate = serializers.FloatField(allow_null=True)
    mean_decision_seconds = serializers.FloatField(
        allow_null=True, help_text="Over the requests a person or a rule decided."
    )
    median_decision_seconds = serializers.FloatField(allow_null=True)
    pending = serializers.IntegerField(help_text="Open now, whatever the range.")
    urgent = serializers.IntegerField(help_text="Open, with under 15 minutes left.")
    expiring = serializers.IntegerField(help_text="Open, with under an hour left.")

    @staticmethod
    def shape(stats: selectors.ApprovalStats) -> dict[str, Any]:
        return {
            **{name: getattr(stats, name) for name in STATS_FIGURES},
            "approval_rate": stats.rate(stats.approved),
            "rejection_rate": stats.rate(stats.rejected),
            "timeout_rate": stats.rate(stats.timed_out),
            "cancellation_rate": stats.rate(stats.cancelled),
        }


STATS_FIGURES = [field.name for field in dataclasses.fields(selectors.ApprovalStats)]


class BadRange(ApplicationError):
    code = "invalid"


FIRST_YEAR, LAST_YEAR = 1970, 9000


def _moment(name: str, text: str | None, *, end: bool) -> datetime | None:
    """An ISO date or date-time: a date is its day's start (`since`) or the next day's (`until`,
    so that the day is in the range); a time without a zone is UTC's."""
    if text is None:
        return None
    try:
        # A date first: Python reads "2026-01-31" as a date-time too, at the day's start.
        day = parse_date(text)
        moment = None if day else parse_datetime(text)
        if day is not None:
            moment = datetime.combine(day + timedelta(days=1 if end else 0), time.min)
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment, UTC)
        if moment is not None:
            moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        moment = None
    if moment is None:
        raise BadRange(f"{name}: not an ISO date (2026-01-31) nor date-time (2026-01-31T09:00Z).")
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise BadRange(f"{name}: a year from {FIRST_YEAR} to {LAST_YEAR}.")
    return moment


RANGE_PARAMETERS = [
    OpenApiParameter(
        name,
        str,
        description=f"An ISO date or date-time; by default {default}.",
        required=False,
    )
    for name, default in (
        ("since", "30 days before until"),
        ("until", "now (a date: the end of that day)"),
    )
]


class ApprovalStatsApi(APIView):
    """GET the user's approval statistics over the requests made in a range."""

    error_responses = {
        400: "since or until is no ISO date or date-time, or since is not before until."
    }

    @extend_schema(parameters=RANGE_PARAMETERS, responses=StatsOutput)
    def get(self, request: Request) -> Response:
        query = query_filters(request)
        since = _moment("since", query.get("since"), end=False)
        until = _moment("until", query.get("until"), end=True)
        if since is not None and until is not None and since >= until:
            raise BadRange("since must be before until.")
        if since is not None and until is None and since >= timezone.now():
            raise BadRange("since must be before until, which is now by default.")
        stats = selectors.approval_stats(user=request.user, since=since, until=until)
        return Response(StatsOutput.shape(stats))
