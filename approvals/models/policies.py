"""Approval policies: who approves a user's applications, how many of them, and what happens
when nobody decides in time. A user's defaults (no run), or a run's own."""

from django.conf import settings
from django.db import models

from applications.models import ApplicationRun


class TimeoutAction(models.TextChoices):
    REJECT = "reject", "Reject"
    APPROVE = "approve", "Approve"
    ESCALATE = "escalate", "Escalate"


class NotifyChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    IN_APP = "in_app", "In the app"
    WEBHOOK = "webhook", "Webhooks"
    SLACK = "slack", "Slack"
    APPRISE = "apprise", "Phone push and chat (Apprise)"


def default_notify() -> list[str]:
    return [NotifyChannel.EMAIL, NotifyChannel.IN_APP]


def default_ttl() -> int:
    return settings.APPROVAL_TTL_SECONDS


class ApprovalPolicy(models.Model):
    """The policy a request is made under: the run's when it has one, else the user's, else the
    defaults of these fields. `allowed_approvers` and `escalate_to` name accounts (username) or
    people by e-mail address; they are checked and resolved when the policy is saved
    (approvals.services.policies), and copied onto each request when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="approval_policies"
    )
    run = models.OneToOneField(
        ApplicationRun,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="approval_policy",
        help_text="Empty: the user's defaults.",
    )
    ttl_seconds = models.PositiveIntegerField(default=default_ttl)
    timeout_action = models.CharField(
        max_length=20, choices=TimeoutAction.choices, default=TimeoutAction.REJECT
    )
    require_min_approvers = models.PositiveSmallIntegerField(default=1)
    require_all = models.BooleanField(default=False)
    allowed_approvers = models.JSONField(
        default=list, blank=True, help_text="Usernames or e-mail addresses, besides the applicant."
    )
    applicant_may_approve = models.BooleanField(default=True)
    escalate_to = models.JSONField(
        default=list, blank=True, help_text="Usernames or e-mail addresses."
    )
    escalation_extension_seconds = models.PositiveIntegerField(default=default_ttl)
    notify = models.JSONField(default=default_notify, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "approval policies"
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(run__isnull=True), name="one_default_policy"
            )
        ]

    def __str__(self) -> str:
        return f"Policy of {self.user_id}" + (f" for run {self.run_id}" if self.run_id else "")
