from django.urls import path

from applications import api

task_actions = [
    path(
        f"tasks/<int:task_id>/{action}/",
        api.TaskActionApi.as_view(action=action),
        name=f"task-{action}",
    )
    for action in api.TaskActionApi.actions
]

urlpatterns = [
    path("runs/", api.RunListApi.as_view(), name="run-list"),
    path("runs/<int:run_id>/", api.RunDetailApi.as_view(), name="run-detail"),
    path("runs/<int:run_id>/jobs/", api.RunJobsApi.as_view(), name="run-jobs"),
    path("tasks/", api.TaskListApi.as_view(), name="task-list"),
    path("tasks/<int:task_id>/", api.TaskDetailApi.as_view(), name="task-detail"),
    *task_actions,
    path("applications/", api.ApplicationListApi.as_view(), name="application-list"),
    path(
        "applications/<int:application_id>/",
        api.ApplicationDetailApi.as_view(),
        name="application-detail",
    ),
    path("jobs/<int:job_id>/apply/", api.JobApplyApi.as_view(), name="job-apply"),
]
