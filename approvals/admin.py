from django.contrib import admin

from approvals.models import ApprovalRequest


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "user", "status", "created_at", "expires_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__username", "task__job__company", "task__job__title"]
    raw_id_fields = ["task", "user", "decided_by"]
    # Decisions go through the approval links and the API, which publish the submit message.
    readonly_fields = ["status", "token_hash", "decided_at", "decided_by", "created_at"]
