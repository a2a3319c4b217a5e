from django.urls import path

from approvals import api, waits

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
]
