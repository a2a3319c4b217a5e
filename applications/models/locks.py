"""The (user, posting) duplicate lock: at most one application per posting and user."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from applications.models.tasks import ApplicationTask
from core.rows import StoredValuesMixin
from jobs.models import JobPosting


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_PROGRESS = "in_progress", "In progress"
    APPLIED = "applied", "Applied"


class Application(StoredValuesMixin, FSMModelMixin, models.Model):
    """The per-user duplicate lock: one row per (user, posting). Claiming IN_PROGRESS is a
    conditional UPDATE on the status it was read with, so two claimers can never both win."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    job = models.ForeignKey(JobPosting, on_delete=models.PROTECT, related_name="applications")
    status = FSMField(
        default=ApplicationStatus.PENDING, choices=ApplicationStatus.choices, protected=True
    )
    has_been_applied_to = models.BooleanField(default=False)
    last_applied_at = models.DateTimeField(null=True, blank=True)
    claimed_by_task = models.ForeignKey(
        ApplicationTask,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "job"], name="application_unique_user_job"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.job} ({self.status})"

    @transition(
        field=status, source=ApplicationStatus.PENDING, target=ApplicationStatus.IN_PROGRESS
    )
    def claim(self, *, task: ApplicationTask | None = None) -> None:
        self.claimed_by_task = task
        self.claimed_at = timezone.now()

    @transition(
        field=status, source=ApplicationStatus.IN_PROGRESS, target=ApplicationStatus.PENDING
    )
    def release(self) -> None:
        self.claimed_by_task = None
        self.claimed_at = None

    @transition(
        field=status, source=ApplicationStatus.IN_PROGRESS, target=ApplicationStatus.APPLIED
    )
    def mark_applied(self) -> None:
        self.has_been_applied_to = True
        self.last_applied_at = timezone.now()
