"""Reads of the applications domain. Every selector takes the user and sees only their rows."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from applications.models import (
    FINAL_STATES,
    WAITING,
    Application,
    ApplicationRun,
    ApplicationTask,
    TaskState,
)
from jobs.models import JobPosting


def _with_state_counts(runs: QuerySet[ApplicationRun]) -> QuerySet[ApplicationRun]:
    counts = {
        f"count_{state.value}": Count("tasks", filter=Q(tasks__state=state)) for state in TaskState
    }
    return runs.annotate(
        total_tasks=Count("tasks"),
        finished_tasks=Count("tasks", filter=Q(tasks__state__in=FINAL_STATES)),
        **counts,
    )


def run_state_counts(run: ApplicationRun) -> dict[str, int]:
    """The per-state counts of a run annotated by run_list or run_get."""
    return {state.value: getattr(run, f"count_{state.value}") for state in TaskState}


def run_progress(run: ApplicationRun) -> float:
    """The share of the run's tasks that reached a final state, from 0 to 1."""
    return round(run.finished_tasks / run.total_tasks, 4) if run.total_tasks else 0.0


def run_list(*, user: AbstractBaseUser) -> QuerySet[ApplicationRun]:
    # Meta.ordering does not apply to aggregate queries, hence the explicit order.
    return _with_state_counts(ApplicationRun.objects.filter(user=user)).order_by(
        "-created_at", "-id"
    )


def run_get(*, user: AbstractBaseUser, run_id: int) -> ApplicationRun:
    return get_object_or_404(run_list(user=user), pk=run_id)


def task_list(
    *, user: AbstractBaseUser, state: str | None = None, run_id: int | None = None
) -> QuerySet[ApplicationTask]:
    tasks = ApplicationTask.objects.filter(user=user).select_related("job")
    if state:
        tasks = tasks.filter(state=state)
    if run_id is not None:
        tasks = tasks.filter(run_id=run_id)
    return tasks


def task_get(*, user: AbstractBaseUser, task_id: int) -> ApplicationTask:
    return get_object_or_404(task_list(user=user), pk=task_id)


def application_list(*, user: AbstractBaseUser) -> QuerySet[Application]:
    return Application.objects.filter(user=user).select_related("job")


def application_get(*, user: AbstractBaseUser, application_id: int) -> Application:
    return get_object_or_404(application_list(user=user), pk=application_id)


def job_get(*, job_id: int) -> JobPosting:
    return get_object_or_404(JobPosting, pk=job_id)


def tasks_prepare_messages(*, task_ids: list[int]) -> list[tuple[int, str, int]]:
    """The prepare messages (task id, message id, priority) of the tasks among `task_ids` still
    QUEUED with a message: what a fan-out publish sends."""
    return list(
        ApplicationTask.objects.filter(pk__in=task_ids, state=TaskState.QUEUED)
        .exclude(celery_task_id=WAITING)
        .values_list("pk", "celery_task_id", "priority")
    )
