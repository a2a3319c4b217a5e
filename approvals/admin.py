from django.contrib import admin

from applications.admin import StateMachineAdmin
from approvals.models import ApprovalRequest, Notification, NotificationEndpoint


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(StateMachineAdmin):
    """Read-only: decisions go through the approval links and the API, which publish the submit
    message; requests are made, with their token, when a task is prepared."""

    list_display = ["id", "task", "user", "status", "created_at", "expires_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__username", "task__job__company", "task__job__title"]
    list_select_related = ["task", "user"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are made with the request, reminder or escalation they tell of,
    and sent by the workers."""

    list_display = [
        "id",
        "request",
        "kind",
        "channel",
        "recipient",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["recipient", "request__id"]
    list_select_related = ["request"]
    readonly_fields = [
        "request",
        "kind",
        "channel",
        "recipient",
        "address",
        "user",
        "endpoint",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
        "read_at",
        "created_at",
    ]
    # The link is left out: it is one approver's credential.
    exclude = ["link", "claimed_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NotificationEndpoint)
class NotificationEndpointAdmin(admin.ModelAdmin):
    """A user's webhooks, Slack and Apprise URLs. A webhook's secret is never shown: it is
    given once, to its owner, when the endpoint is made through the API."""

    list_display = ["id", "user", "kind", "name", "active", "created_at"]
    list_filter = ["kind", "active"]
    search_fields = ["user__username", "name"]
    list_select_related = ["user"]
    exclude = ["sealed_secret"]
