"""Celery tasks: thin, each calls one service. Names, queues and priorities are in
config/dispatch.py."""

import logging

from billiard.exceptions import SoftTimeLimitExceeded
from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections

from applications import selectors as application_selectors
from applications import services as application_services
from approvals import services as approval_services
from config import dispatch
from workers import services

logger = logging.getLogger(__name__)

# A database that went away for a moment (restarted, a connection cut, a deadlock victim): the
# message is retried after a short wait instead of leaving the task to the stale sweep. A retry
# is a redelivery as far as the services are concerned: the claim counts it as an attempt and
# resumes from the checkpoint, and a submit found SUBMITTING asks the site before clicking.
RETRY_ON_DATABASE_ERRORS = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "retry_jitter": False,
    "max_retries": 5,
}


class EngineTask(Task):
    """A prepare or submit that ends on an error — its retries run out, or an error nothing
    expected — records the failure at once, through the one failure path, instead of leaving its
    row to the stale sweep."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        if not self.request.is_eager:
            # The connection that failed the last retry is replaced, as before each task.
            close_old_connections()
        row_id = args[0] if args else kwargs["task_id"]
        if isinstance(exc, self.autoretry_for) and self.request.retries >= self.max_retries:
            services.record_retries_exhausted(
                task_id=row_id, message_id=task_id, error=exc, retries=self.request.retries
            )
        else:
            services.record_unexpected_error(task_id=row_id, message_id=task_id, error=exc)


def _late_interrupt_ignored(name: str, task_id: int) -> str:
    # The revoke signal reached this process after its work was recorded (it was waiting
    # behind the deferred section); nothing is left to interrupt.
    logger.info("%s for task %s: an interrupt arrived after the work was recorded", name, task_id)
    return "done"


@shared_task(name=dispatch.PREPARE_TASK, bind=True, base=EngineTask, **RETRY_ON_DATABASE_ERRORS)
def prepare_application(self, task_id: int) -> str:
    try:
        return services.prepare_application(
            task_id=task_id, message_id=self.request.id, retried=bool(self.request.retries)
        )
    except SoftTimeLimitExceeded:
        return _late_interrupt_ignored("prepare", task_id)


# The hard time limit ends a click that hangs before the stale sweep could take the submit for
# dead (applications.services.submitting).
@shared_task(
    name=dispatch.SUBMIT_TASK,
    bind=True,
    base=EngineTask,
    time_limit=settings.SUBMIT_TIME_LIMIT_SECONDS,
    **RETRY_ON_DATABASE_ERRORS,
)
def submit_application(self, task_id: int) -> str:
    try:
        return services.submit_application(
            task_id=task_id, message_id=self.request.id, retried=bool(self.request.retries)
        )
    except SoftTimeLimitExceeded:
        return _late_interrupt_ignored("submit", task_id)


# Publishing again is safe: a message for a task that another message already claimed is
# dropped.
@shared_task(name=dispatch.PUBLISH_TASK, **RETRY_ON_DATABASE_ERRORS)
def publish_prepare_messages(task_ids: list[int]) -> int:
    messages = application_selectors.tasks_prepare_messages(task_ids=task_ids)
    return dispatch.send_prepare_now(messages)


@shared_task(name=dispatch.SWEEP_STALE_TASK)
def sweep_stale_tasks() -> dict[str, int]:
    return application_services.tasks_recover_stale()


@shared_task(name=dispatch.SWEEP_APPROVALS_TASK)
def sweep_approvals() -> dict[str, int]:
    """Deadlines (each request's timeout action) and reminders, once each; notifications whose
    message was lost, published again."""
    return {
        "timed_out": approval_services.approvals_time_out_due(),
        "reminded": approval_services.approvals_remind_due(),
        "notifications_resent": approval_services.notifications_resend_lost(),
    }


# One message per recipient. The row counts the attempts and caps them (NOTIFY_MAX_ATTEMPTS),
# so Celery's own count is not: a message redelivered after its worker died is an attempt too.
# The soft time limit ends an attempt whose endpoint answers too slowly for its own timeouts.
@shared_task(
    name=dispatch.SEND_NOTIFICATION_TASK,
    bind=True,
    max_retries=None,
    soft_time_limit=settings.NOTIFY_TIME_LIMIT_SECONDS,
    time_limit=settings.NOTIFY_TIME_LIMIT_SECONDS + 5,
)
def send_notification(self, notification_id: int) -> str:
    try:
        return approval_services.notification_send(notification_id=notification_id)
    except approval_services.NotificationRetry as retry:
        raise self.retry(countdown=retry.countdown, exc=retry) from retry


@shared_task(name=dispatch.RELEASE_PACED_TASK)
def release_paced_tasks() -> int:
    """Tasks waiting for their site's next window of applications, handed out once it comes."""
    return application_services.tasks_release_due()


@shared_task(name=dispatch.RECONCILE_TASK)
def reconcile_queued_tasks() -> int:
    in_broker = dispatch.queued_message_ids(dispatch.QUEUE_DEFAULT) | dispatch.queued_message_ids(
        dispatch.QUEUE_APPROVALS
    )
    return application_services.tasks_reconcile_queued(broker_message_ids=in_broker)
