"""Notifications: one row per (notification, recipient), so that a retry never sends again to a
recipient who got it, and the endpoints a user has the request's news sent to (webhooks, Slack,
Apprise URLs)."""

from django.conf import settings
from django.db import models


class EndpointKind(models.TextChoices):
    WEBHOOK = "webhook", "Webhook (Standard Webhooks)"
    SLACK = "slack", "Slack incoming webhook"
    APPRISE = "apprise", "Apprise URL (phone push, chat)"


class NotificationEndpoint(models.Model):
    """Where a user wants their approval requests sent besides e-mail and the app. A webhook's
    secret (`whsec_` and base64, as Standard Webhooks writes it) is shown once, when the
    endpoint is made, and kept sealed (approvals.services.tokens), as link tokens are."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_endpoints"
    )
    kind = models.CharField(max_length=20, choices=EndpointKind.choices)
    name = models.CharField(max_length=100, blank=True, default="")
    url = models.CharField(max_length=2000)
    sealed_secret = models.TextField(blank=True, default="")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "kind"], name="notify_endpoint_user_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """How the endpoint is shown in the audit log and the admin: never its URL, which may
        hold a credential (a Slack hook's path, a Telegram bot's token)."""
        return self.name or f"{self.kind} endpoint {self.pk}"


class NotificationKind(models.TextChoices):
    REQUESTED = "requested", "Approval requested"
    REMINDER = "reminder", "Reminder"
    ESCALATED = "escalated", "Escalated"
    NEEDS_PERSON = "needs_person", "Needed from the person"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    IN_APP = "in_app", "In the app"
    WEBHOOK = "webhook", "Webhook"
    SLACK = "slack", "Slack"
    APPRISE = "apprise", "Apprise"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    READ = "read", "Read"


class Notification(models.Model):
    """One message to one recipient, carrying that recipient's link. In-app ones are sent when
    made; the others are sent by a Celery task each (workers.send_notification), which takes
    the row by a conditional UPDATE (`claimed_at`), so that two deliveries of one message never
    send it twice, and never sends a row that is no longer pending."""

    request = models.ForeignKey(
        "approvals.ApprovalRequest", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    channel = models.CharField(max_length=20, choices=NotificationChannel.choices)
    recipient = models.CharField(max_length=200, help_text="How the recipient is shown.")
    address = models.CharField(
        max_length=300, blank=True, default="", help_text="The e-mail address, for e-mail."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        help_text="The recipient's account, for in-app notifications.",
    )
    endpoint = models.ForeignKey(
        NotificationEndpoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    link = models.ForeignKey(
        "approvals.ApprovalLink", on_delete=models.CASCADE, related_name="notifications"
    )
    status = models.CharField(
        max_length=20, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next attempt is due (the sweep's mark)."
    )
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="Set while an attempt runs.")
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A user's in-app list, newest first (approvals.selectors.notification_list).
            models.Index(
                fields=["user", "-created_at"],
                name="notification_in_app_idx",
                condition=models.Q(channel="in_app"),
            ),
            # The sweep's pending rows whose message may be lost.
            models.Index(
                fields=["next_attempt_at"],
                name="notification_pending_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["request"], name="notification_request_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.channel} to {self.recipient} ({self.status})"
