"""The audit log of approvals: append-only. The ORM refuses to change or delete its rows (the
model and its querysets), and so does the database (a trigger, migration 0002)."""

from django.db import models


class AuditAction(models.TextChoices):
    CREATED = "created", "Created"
    VIEWED = "viewed", "Viewed"
    DECIDED = "decided", "Decided"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    TIMED_OUT = "timed_out", "Timed out"
    ESCALATED = "escalated", "Escalated"
    CANCELLED = "cancelled", "Cancelled"
    REMINDED = "reminded", "Reminder sent"
    NOTIFIED = "notified", "Notification"
    AUTO_APPROVED = "auto_approved", "Approved by a rule"
    ASKED = "asked", "Asked the person"
    ANSWERED = "answered", "Answered by the person"
    READY = "ready", "Ready for a decision"


class AppendOnly(Exception):
    """An audit row was to be changed or deleted."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("The audit log is append-only: its rows are never updated.")

    def delete(self):
        raise AppendOnly("The audit log is append-only: its rows are never deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly("The audit log is append-only: its rows are never updated.")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise AppendOnly("The audit log is append-only: its rows are never updated.")


class AuditEntry(models.Model):
    """One thing that happened to an approval request: who (`actor`: a username, an approver's
    e-mail, `system:...`, `rule:<name>`), from where (IP, user agent), the status before and
    after, a comment, and details (`data`)."""

    request = models.ForeignKey(
        "approvals.ApprovalRequest", on_delete=models.DO_NOTHING, related_name="audit"
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    actor = models.CharField(max_length=300)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True, default="")
    old_status = models.CharField(max_length=20, blank=True, default="")
    new_status = models.CharField(max_length=20, blank=True, default="")
    comment = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["request", "created_at"], name="audit_request_idx")]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor} on approval {self.request_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnly("The audit log is append-only: its rows are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("The audit log is append-only: its rows are never deleted.")
