from django.contrib import admin

from applications.admin import StateMachineAdmin
from approvals.models import ApprovalRequest


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(StateMachineAdmin):
    """Read-only: decisions go through the approval links and the API, which publish the submit
    message; requests are made, with their token, when a task is prepared."""

    list_display = ["id", "task", "user", "status", "created_at", "expires_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__username", "task__job__company", "task__job__title"]
    list_select_related = ["task", "user"]
