"""What a link's review page shows, scoped to the link (the token is the credential)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from applications.models import ApplicationTask, TaskState
from approvals.exceptions import ApprovalNotFound
from approvals.models import (
    ApprovalDecision,
    ApprovalLink,
    ApprovalRequest,
    ApprovalStatus,
    TimeoutAction,
)
from approvals.services.deciding import approver_listed, link_by_token
from approvals.services.questions import answers_given, questions_of
from jobs.models import JobPosting


class Phase:
    """What a review page shows, from the request's status, its task's state and the link's
    approver."""

    NEEDS_PERSON = "needs_person"  # a step waits for the person's answer: the answer form
    PREPARING = "preparing"  # answered; the application is being filled in again
    PENDING = "pending"  # the approver may decide: the forms
    WAITING = "waiting"  # the approver decided; the quorum is not reached yet
    NOT_ALLOWED = "not_allowed"  # the link's approver is no longer one of the approvers (403)
    SUBMITTING = "submitting"  # approved, not yet submitted
    SUBMITTED = "submitted"
    NOT_SUBMITTED = "not_submitted"  # the task failed, expired or was cancelled
    REJECTED = "rejected"
    EXPIRED = "expired"  # past its deadline, or timed out (410)
    CANCELLED = "cancelled"  # the application was cancelled (410)


# Phases after which nothing on the page changes any more.
FINAL_PHASES = frozenset(
    {
        Phase.NOT_ALLOWED,
        Phase.SUBMITTED,
        Phase.NOT_SUBMITTED,
        Phase.REJECTED,
        Phase.EXPIRED,
        Phase.CANCELLED,
    }
)


@dataclass(frozen=True)
class Review:
    """Everything a link's review page shows: the link, its request, the task and its posting,
    and the decisions taken so far, read at one moment."""

    link: ApprovalLink
    approval: ApprovalRequest
    task: ApplicationTask
    posting: JobPosting
    decisions: list[ApprovalDecision]
    read_at: datetime

    @property
    def required(self) -> int:
        return int(self.approval.policy.get("required", 1))

    @property
    def approvals_given(self) -> int:
        return sum(1 for decision in self.decisions if decision.approve)

    @property
    def own_decision(self) -> ApprovalDecision | None:
        key = self.link.approver_key
        return next((decision for decision in self.decisions if decision.approver_key == key), None)

    @property
    def past_deadline(self) -> bool:
        return self.read_at >= self.approval.expires_at

    @property
    def seconds_left(self) -> int:
        return max(0, int((self.approval.expires_at - self.read_at).total_seconds()))

    @property
    def timeout_action(self) -> str:
        """What the deadline does to this request (approvals.services.timeouts.time_out)."""
        action = self.approval.policy.get("timeout_action", TimeoutAction.REJECT)
        if action == TimeoutAction.ESCALATE and self.approval.status != ApprovalStatus.PENDING:
            return TimeoutAction.REJECT
        if self.task.state != TaskState.PENDING_APPROVAL:
            # Only a prepared application can be approved or escalated by the deadline.
            return TimeoutAction.REJECT
        return action

    @property
    def values_heading(self) -> str:
        """The heading of the values: what will be, was, or was only filled in."""
        if self.phase == Phase.SUBMITTED:
            return "What was submitted"
        if self.phase in (Phase.PENDING, Phase.WAITING, Phase.SUBMITTING):
            return "What will be submitted"
        if self.phase in (Phase.NEEDS_PERSON, Phase.PREPARING):
            return "Filled in so far"
        return "What was filled in"

    @property
    def phase(self) -> str:
        status = self.approval.status
        if status == ApprovalStatus.CANCELLED:
            return Phase.CANCELLED
        if status == ApprovalStatus.EXPIRED:
            return Phase.EXPIRED
        if status == ApprovalStatus.REJECTED:
            return Phase.REJECTED
        if status == ApprovalStatus.APPROVED:
            if self.task.state == TaskState.SUBMITTED:
                return Phase.SUBMITTED
            if self.task.state in (TaskState.APPROVED, TaskState.SUBMITTING):
                return Phase.SUBMITTING
            return Phase.NOT_SUBMITTED
        # Open. Past the deadline, a decision would apply the timeout instead (until the sweep
        # does); an escalation keeps the request open for its new deadline, so it still counts
        # as open here.
        if self.past_deadline and self.timeout_action != TimeoutAction.ESCALATE:
            return Phase.EXPIRED
        if self.own_decision is not None:
            return Phase.WAITING
        if not approver_listed(self.approval, self.link.approver_key):
            return Phase.NOT_ALLOWED
        if self.task.state == TaskState.WAITING_FOR_PERSON:
            return Phase.NEEDS_PERSON
        if self.task.state in (TaskState.QUEUED, TaskState.RUNNING):
            return Phase.PREPARING
        if self.task.state != TaskState.PENDING_APPROVAL:
            return Phase.NOT_SUBMITTED
        return Phase.PENDING

    @property
    def can_decide(self) -> bool:
        return self.phase == Phase.PENDING

    @property
    def can_answer(self) -> bool:
        return self.phase == Phase.NEEDS_PERSON

    @property
    def handoff(self) -> dict[str, Any]:
        """What the page asked of the person (kind, prompt, step, asked_at, answered_at), never
        the answer; empty when it asked nothing."""
        handoff = self.task.checkpoint.get("handoff") or {}
        return {key: value for key, value in handoff.items() if key != "answer"}

    @property
    def questions(self) -> list[dict[str, Any]]:
        """The form's questions, each with the answer the submit would send so far (`value`)."""
        given = answers_given(self.task)
        return [
            {**question, "value": str(given.get(question["label"]) or "")}
            for question in questions_of(self.task)
        ]

    @property
    def unplaced(self) -> list[dict[str, str]]:
        """The profile's values that no field on the page took (field, label, why)."""
        found = self.task.checkpoint.get("unplaced") or []
        return [
            {
                "field": str(item.get("field") or ""),
                "label": str(item.get("label") or item.get("field") or ""),
                "why": str(item.get("why") or ""),
            }
            for item in found
            if isinstance(item, dict)
        ]

    @property
    def warnings(self) -> list[str]:
        found = self.task.checkpoint.get("warnings") or []
        if isinstance(found, str):
            found = [found]
        return [str(warning) for warning in found if str(warning).strip()]

    @property
    def is_final(self) -> bool:
        return self.phase in FINAL_PHASES

    @property
    def values(self) -> dict[str, Any]:
        """The values filled into the form, which the submit sends."""
        return dict(self.task.checkpoint.get("values", {}))

    @property
    def screenshot(self) -> str:
        """The screenshot of the filled form, a path under MEDIA_ROOT; empty when there is none."""
        return str(self.task.checkpoint.get("screenshot") or "")

    @property
    def submitted_at(self) -> datetime | None:
        return self.task.finished_at if self.task.state == TaskState.SUBMITTED else None


def review_by_token(token: str) -> Review:
    """What the review page of the link `token` shows, in three reads: the link, its request
    with the task and posting, the decisions. Raises ApprovalNotFound (404) for a token that
    opens no link."""
    link = link_by_token(token)
    approval = (
        ApprovalRequest.objects.select_related("task__job").filter(pk=link.request_id).first()
    )
    if approval is None:
        raise ApprovalNotFound("No approval request matches this link or id.")
    return Review(
        link=link,
        approval=approval,
        task=approval.task,
        posting=approval.task.job,
        decisions=list(approval.decisions.all()),
        read_at=timezone.now(),
    )
