from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.db.models import QuerySet
from django.http import HttpRequest
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from applications import services
from applications.exceptions import TaskActionNotAllowed
from applications.models import (
    Application,
    ApplicationRun,
    ApplicationTask,
    Profile,
    TaskEvent,
)


class StateMachineAdmin(admin.ModelAdmin):
    """The admin of a model with a state machine shows its rows and never writes them: a state
    changes through the services (the admin actions, the API, the workers), which check the
    transition, write the event row and publish the work, where a saved form would do none of
    it. Change forms are therefore read-only (Django's view page: no save button, and a POST
    is refused). Nor are rows added here, since the services make them (with the duplicate lock,
    the approval token), or deleted: a task's history is append-only, and a row deleted in
    flight would strand the work around it (an IN_PROGRESS lock with no task to release it, a
    task waiting for an approval that is gone)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_transition_permission(self, request: HttpRequest) -> bool:
        """Who may run the actions that call the services: whoever holds the model's change
        permission, which the read-only form does not otherwise use."""
        codename = get_permission_codename("change", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "first_name",
        "last_name",
        "email",
        "location",
        "current_company",
        "max_applications_per_company",
    ]
    search_fields = ["user__username", "first_name", "last_name", "email"]
    raw_id_fields = ["user"]


class TaskInline(admin.TabularInline):
    model = ApplicationTask
    fields = ["job", "state", "priority", "attempts", "queued_at", "state_changed_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    # Tasks are made by ingestion and change state through the services (StateMachineAdmin).
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ApplicationRun)
class ApplicationRunAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "user", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["name", "user__username"]
    raw_id_fields = ["user"]
    inlines = [TaskInline]


class TaskEventInline(admin.TabularInline):
    model = TaskEvent
    fields = ["created_at", "from_state", "to_state", "transition", "actor", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def _task_action(
    service: Callable[..., ApplicationTask], verb: str
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet[ApplicationTask]], None]:
    """An admin action that runs `service` on each selected task and reports what it did."""

    def action(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[ApplicationTask]
    ) -> None:
        done, refused = 0, []
        for task in queryset:
            try:
                service(task=task, actor=request.user.get_username())
                done += 1
            except (TransitionNotAllowed, ConcurrentTransition, TaskActionNotAllowed):
                refused.append(f"{task.pk} ({task.get_state_display()})")
        if done:
            modeladmin.message_user(request, f"{verb.capitalize()}: {done} task(s).")
        if refused:
            modeladmin.message_user(
                request,
                f"Could not {verb} task(s) {', '.join(refused)}: not allowed in that state.",
                level=messages.WARNING,
            )

    action.__name__ = f"{verb}_tasks"
    return admin.action(
        description=f"{verb.capitalize()} selected tasks", permissions=["transition"]
    )(action)


@admin.register(ApplicationTask)
class ApplicationTaskAdmin(StateMachineAdmin):
    list_display = [
        "id",
        "job",
        "user",
        "run",
        "state",
        "waits_for_session",
        "not_before",
        "priority",
        "attempts",
        "state_changed_at",
    ]
    list_filter = ["state", "priority", "job__ats"]
    search_fields = ["job__company", "job__title", "user__username", "celery_task_id"]
    list_select_related = ["job", "user", "run"]
    inlines = [TaskEventInline]

    @admin.display(boolean=True, description="waits for a session")
    def waits_for_session(self, task: ApplicationTask) -> bool:
        return task.waits_for_session

    actions = [
        _task_action(services.task_cancel, "cancel"),
        _task_action(services.task_retry, "retry"),
        _task_action(services.task_resume, "resume"),
        _task_action(services.task_boost, "boost"),
    ]


@admin.register(TaskEvent)
class TaskEventAdmin(StateMachineAdmin):
    """The task history is append-only: readable here, never edited (and no actions)."""

    list_display = ["created_at", "task", "from_state", "to_state", "transition", "actor"]
    list_filter = ["to_state", "transition"]
    search_fields = ["task__id", "actor", "reason"]


@admin.register(Application)
class ApplicationAdmin(StateMachineAdmin):
    list_display = ["id", "user", "job", "status", "has_been_applied_to", "last_applied_at"]
    list_filter = ["status", "has_been_applied_to"]
    search_fields = ["user__username", "job__company", "job__title"]
    list_select_related = ["user", "job"]
