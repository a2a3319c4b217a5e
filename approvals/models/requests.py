"""An approval request: the people's yes or no to one prepared application, the links that
carry it to each approver, and each approver's decision."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from applications.models import ApplicationTask
from core.rows import StoredValuesMixin


def token_hash(token: str) -> str:
    """Tokens are stored only as their SHA-256: a database dump holds no working link."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ESCALATED = "escalated", "Escalated"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


# Still waiting for a decision; every other status is final.
OPEN_STATUSES = frozenset({ApprovalStatus.PENDING, ApprovalStatus.ESCALATED})
_OPEN = [ApprovalStatus.PENDING, ApprovalStatus.ESCALATED]


class ApprovalRequest(StoredValuesMixin, FSMModelMixin, models.Model):
    """One per prepared task. `policy` is the policy in force when the request was made, copied
    (with its approvers resolved), so that a later change of policy never changes a request
    already sent. Every transition writes one AuditEntry (approvals.services.audit)."""

    task = models.OneToOneField(
        ApplicationTask, on_delete=models.CASCADE, related_name="approval_request"
    )
    # Denormalized from the task, so that "my approvals" is one indexed filter.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="approval_requests"
    )
    status = FSMField(
        default=ApprovalStatus.PENDING, choices=ApprovalStatus.choices, protected=True
    )
    policy = models.JSONField(default=dict, help_text="The policy in force, as it was sent.")
    expires_at = models.DateTimeField()
    remind_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reminder goes out; cleared once it has."
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="Why it ended: who decided, the rule that approved it, or the timeout.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "status"], name="approval_user_status_idx"),
            models.Index(fields=["status", "expires_at"], name="approval_due_idx"),
            models.Index(
                fields=["remind_at"],
                name="approval_remind_idx",
                condition=models.Q(remind_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Approval {self.pk} for task {self.task_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @transition(field=status, source=_OPEN, target=ApprovalStatus.APPROVED)
    def approve(self, *, by=None, outcome: str = "") -> None:
        self._close(by=by, outcome=outcome)

    @transition(field=status, source=_OPEN, target=ApprovalStatus.REJECTED)
    def reject(self, *, by=None, outcome: str = "") -> None:
        self._close(by=by, outcome=outcome)

    @transition(field=status, source=_OPEN, target=ApprovalStatus.EXPIRED)
    def expire(self, *, outcome: str = "") -> None:
        self._close(by=None, outcome=outcome)

    @transition(field=status, source=_OPEN, target=ApprovalStatus.CANCELLED)
    def cancel(self, *, outcome: str = "") -> None:
        self._close(by=None, outcome=outcome)

    @transition(field=status, source=ApprovalStatus.PENDING, target=ApprovalStatus.ESCALATED)
    def escalate(self, *, expires_at) -> None:
        self.escalated_at = timezone.now()
        self.expires_at = expires_at

    def _close(self, *, by, outcome: str) -> None:
        self.decided_at = timezone.now()
        # An account, or its id (a decision by link knows its approver's account by id).
        self.decided_by_id = getattr(by, "pk", by)
        self.outcome = outcome[:300]
        self.remind_at = None


class ApprovalLink(StoredValuesMixin, models.Model):
    """One approver's link to one request: `/approve/<token>/`. The token (256 random bits) is
    stored as its hash, which is what a link is looked up by, and sealed (Fernet, a key from the
    settings) so that a reminder can carry the same link again; it is never stored in clear. A
    link works while its request is open and its approver has not decided."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The approver's account; empty for a person known only by e-mail.",
    )
    email = models.EmailField(blank=True, default="")
    label = models.CharField(max_length=200, help_text="How the approver is shown.")
    token_hash = models.CharField(max_length=64, unique=True)
    sealed_token = models.TextField(blank=True, default="")
    escalation = models.BooleanField(
        default=False, help_text="Sent on escalation: this approver's decision decides."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["request"], name="approval_link_request_idx")]

    def __str__(self) -> str:
        return f"Link of {self.label} to approval {self.request_id}"

    @property
    def approver_key(self) -> str:
        return approver_key(user_id=self.user_id, email=self.email)


def approver_key(*, user_id: int | None, email: str = "") -> str:
    """Who an approver is, across links, decisions and the request's policy: an account, or an
    e-mail address for a person without one."""
    return f"user:{user_id}" if user_id else f"email:{email.lower()}"


class ApprovalDecision(models.Model):
    """One approver's approve or reject, with their comment. One per approver and request (the
    unique constraint), which is what makes every link single-use."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="decisions")
    approver_key = models.CharField(max_length=300)
    label = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    link = models.ForeignKey(
        ApprovalLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approve = models.BooleanField()
    comment = models.TextField(blank=True, default="")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "approver_key"], name="one_decision_per_approver"
            )
        ]

    def __str__(self) -> str:
        verb = "approved" if self.approve else "rejected"
        return f"{self.label} {verb} approval {self.request_id}"
