from django import forms
from django.contrib import admin
from django.http import HttpRequest

from applications.admin import StateMachineAdmin
from approvals.exceptions import PolicyInvalid
from approvals.models import (
    ApprovalDecision,
    ApprovalLink,
    ApprovalPolicy,
    ApprovalRequest,
    AuditEntry,
    AutoApproveRule,
    Notification,
    NotificationEndpoint,
)
from approvals.services.policies import POLICY_FIELDS, policy_check
from approvals.services.rules import rule_check


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class DecisionInline(ReadOnlyInline):
    model = ApprovalDecision
    fields = ["label", "approve", "comment", "decided_at"]
    readonly_fields = fields


class LinkInline(ReadOnlyInline):
    """Who was sent a link; the link itself (its hash, its sealed token) is never shown."""

    model = ApprovalLink
    fields = ["label", "email", "escalation", "created_at"]
    readonly_fields = fields


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(StateMachineAdmin):
    """Read-only: decisions go through the approval links and the API, which publish the submit
    message; requests are made, with their token, when a task is prepared."""

    list_display = ["id", "task", "user", "status", "created_at", "expires_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__username", "task__job__company", "task__job__title"]
    list_select_related = ["task", "user"]
    inlines = [DecisionInline, LinkInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, shown and never written: it is append-only (the model and the database
    refuse changes), and only the services add to it."""

    list_display = ["created_at", "request", "action", "actor", "old_status", "new_status"]
    list_filter = ["action"]
    search_fields = ["actor", "comment"]
    list_select_related = ["request"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ApprovalPolicyForm(forms.ModelForm):
    class Meta:
        model = ApprovalPolicy
        fields = ["user", "run", *POLICY_FIELDS]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # The policy as it would be saved, checked as the API checks it.
        policy = forms.models.construct_instance(self, self.instance)
        try:
            policy_check(policy)
        except PolicyInvalid as refused:
            raise forms.ValidationError(refused.detail) from refused
        return cleaned


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(admin.ModelAdmin):
    form = ApprovalPolicyForm
    list_display = ["id", "user", "run", "timeout_action", "require_min_approvers", "updated_at"]
    list_filter = ["timeout_action"]
    search_fields = ["user__username"]
    raw_id_fields = ["user", "run"]


class AutoApproveRuleForm(forms.ModelForm):
    class Meta:
        model = AutoApproveRule
        fields = ["user", "name", "conditions", "enabled", "position"]

    def clean(self):
        cleaned = super().clean()
        if "name" in cleaned and "conditions" in cleaned:
            problems = rule_check(name=cleaned["name"], conditions=cleaned["conditions"])
            if problems:
                raise forms.ValidationError(problems)
        return cleaned


@admin.register(AutoApproveRule)
class AutoApproveRuleAdmin(admin.ModelAdmin):
    form = AutoApproveRuleForm
    list_display = ["name", "user", "enabled", "position", "created_at"]
    list_filter = ["enabled"]
    search_fields = ["user__username", "name"]
    raw_id_fields = ["user"]


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
