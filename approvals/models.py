"""An approval request: the person's yes or no to one prepared application."""

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
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


# The statuses of a request still waiting for its decision; any other is final.
OPEN_STATUSES = frozenset({"pending", "escalated"})


class ApprovalRequest(StoredValuesMixin, FSMModelMixin, models.Model):
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
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "status"], name="approval_user_status_idx"),
            models.Index(fields=["status", "expires_at"], name="approval_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Approval {self.pk} for task {self.task_id} ({self.status})"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @transition(field=status, source=ApprovalStatus.PENDING, target=ApprovalStatus.APPROVED)
    def approve(self, *, by=None) -> None:
        self.decided_at = timezone.now()
        self.decided_by = by

    @transition(field=status, source=ApprovalStatus.PENDING, target=ApprovalStatus.REJECTED)
    def reject(self, *, by=None) -> None:
        self.decided_at = timezone.now()
        self.decided_by = by

    @transition(field=status, source=ApprovalStatus.PENDING, target=ApprovalStatus.EXPIRED)
    def expire(self) -> None:
        self.decided_at = timezone.now()
