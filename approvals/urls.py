from django.urls import path

from approvals import api, api_detail, api_policies, notifications_api, waits

urlpatterns = [
    path("approvals/", api.ApprovalListApi.as_view(), name="approval-list"),
    # Before approvals/<id>/, which would not match it anyway (an int), but reads in this order.
    path("approvals/stats/", api_detail.ApprovalStatsApi.as_view(), name="approval-stats"),
    path(
        "approvals/<int:approval_id>/",
        api_detail.ApprovalDetailApi.as_view(),
        name="approval-detail",
    ),
    path(
        "approvals/<int:approval_id>/approve/",
        api.ApprovalDecideApi.as_view(approve=True),
        name="approval-approve",
    ),
    path(
        "approvals/<int:approval_id>/reject/",
        api.ApprovalDecideApi.as_view(approve=False),
        name="approval-reject",
    ),
    path("approvals/<int:approval_id>/wait/", waits.approval_wait, name="approval-wait"),
    path(
        "approvals/by-token/<str:token>/approve/",
        api.ApprovalTokenDecideApi.as_view(approve=True),
        name="approval-token-approve",
    ),
    path(
        "approvals/by-token/<str:token>/reject/",
        api.ApprovalTokenDecideApi.as_view(approve=False),
        name="approval-token-reject",
    ),
    path("approval-policy/", api_policies.PolicyApi.as_view(), name="approval-policy"),
    path(
        "runs/<int:run_id>/approval-policy/",
        api_policies.PolicyApi.as_view(),
        name="run-approval-policy",
    ),
    path("approval-rules/", api_policies.RuleListApi.as_view(), name="approval-rule-list"),
    path(
        "approval-rules/<int:rule_id>/",
        api_policies.RuleDetailApi.as_view(),
        name="approval-rule-detail",
    ),
    path(
        "notifications/", notifications_api.NotificationListApi.as_view(), name="notification-list"
    ),
    path(
        "notifications/<int:notification_id>/read/",
        notifications_api.NotificationReadApi.as_view(),
        name="notification-read",
    ),
    path(
        "notification-endpoints/",
        notifications_api.EndpointListApi.as_view(),
        name="notification-endpoint-list",
    ),
    path(
        "notification-endpoints/<int:endpoint_id>/",
        notifications_api.EndpointDetailApi.as_view(),
        name="notification-endpoint-detail",
    ),
]
