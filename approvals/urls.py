from django.urls import path

from approvals import api, notifications_api

urlpatterns = [
    path("approvals/", api.ApprovalListApi.as_view(), name="approval-list"),
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
