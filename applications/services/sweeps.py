"""The beat's sweeps: stale tasks recovered, lost messages published again. Each is idempotent
and safe with two beat processes (rows are taken with SKIP LOCKED)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from applications.models import (
    HOLDS_SESSION,
    WAITING,
    WAITS_FOR_SESSION,
    ApplicationTask,
    TaskState,
)
from applications.services.failures import attempt_limit_reached, task_give_up
from applications.services.locks import application_release
from applications.services.queueing import task_requeue
from applications.services.sessions import sessions_hand_out
from applications.services.transitions import SWEEPER_ACTOR, task_record_event
from config import dispatch

logger = logging.getLogger(__name__)


def _stale_before() -> datetime:
    return timezone.now() - timedelta(seconds=settings.STALE_TASK_SECONDS)


def tasks_recover_stale(*, limit: int = 500) -> dict[str, int]:
    """RUNNING tasks whose heartbeat stopped go back to QUEUED from their checkpoint (their
    lock released for re-claiming); stale SUBMITTING tasks get a submit message that first asks
    the site whether the application exists (never a blind second click). A submit's heartbeat
    goes on while it clicks, and its hard time limit is under the stale threshold, so a stale
    submit is one whose worker is gone."""
    counts = {"requeued": 0, "failed": 0, "resubmit_checks": 0}
    stale_ids = list(
        ApplicationTask.objects.filter(
            state__in=[TaskState.RUNNING, TaskState.SUBMITTING], heartbeat_at__lt=_stale_before()
        ).values_list("pk", flat=True)[:limit]
    )
    for task_id in stale_ids:
        with transaction.atomic():
            task = (
                ApplicationTask.objects.select_for_update(skip_locked=True)
                .filter(pk=task_id, heartbeat_at__lt=_stale_before())
                .first()
            )
            if task is None:
                continue
            if task.state == TaskState.RUNNING:
                counts[_recover_running(task)] += 1
            elif task.state == TaskState.SUBMITTING:
                _recover_submitting(task)
                counts["resubmit_checks"] += 1
    return counts


def _recover_running(task: ApplicationTask) -> str:
    """A stale running task, locked: back to the queue from its checkpoint, or failed past its
    attempt limit. Returns which (a key of tasks_recover_stale's counts)."""
    why = "its heartbeat stopped"
    if attempt_limit_reached(task.attempts + 1):
        task_give_up(task=task, attempts=task.attempts, why=why, actor=SWEEPER_ACTOR)
        return "failed"
    application_release(task=task)
    task_requeue(
        task,
        transition="requeue",
        actor=SWEEPER_ACTOR,
        reason=f"stale: {why}; resumes from its checkpoint",
    )
    return "requeued"


def _recover_submitting(task: ApplicationTask) -> None:
    """A stale submit, locked: a new message, which asks the site before any click."""
    task.celery_task_id = dispatch.new_message_id()
    ApplicationTask.objects.filter(pk=task.pk).update(
        celery_task_id=task.celery_task_id, heartbeat_at=timezone.now()
    )
    task_record_event(
        task=task,
        name="submit_attempt",
        actor=SWEEPER_ACTOR,
        reason="stale submit: the site is asked before any click",
    )
    dispatch.publish_submit(task.pk, task.celery_task_id)


def tasks_reconcile_queued(*, broker_message_ids: set[str], limit: int = 1000) -> int:
    """Tasks QUEUED (or APPROVED) longer than RECONCILE_AFTER_SECONDS whose message the broker
    does not hold are published again: the broker may lose messages, the database may not.
    Users whose tasks wait that long with no session in use get their next ones published."""
    before = timezone.now() - timedelta(seconds=settings.RECONCILE_AFTER_SECONDS)
    approved = _republish_approved(broker_message_ids, before, limit)
    republished = _republish_queued(broker_message_ids, before, limit)
    handed_out = sum(
        sessions_hand_out(user_id=user_id) for user_id in _users_left_waiting(before, limit)
    )
    if republished or approved or handed_out:
        logger.warning(
            "re-published %d queued and %d approved task(s) missing from the broker; "
            "handed a session to %d task(s) left waiting",
            republished,
            approved,
            handed_out,
        )
    return republished + approved + handed_out


def _republish_approved(broker_message_ids: set[str], before: datetime, limit: int) -> int:
    published = 0
    with transaction.atomic():
        for task in ApplicationTask.objects.select_for_update(skip_locked=True).filter(
            state=TaskState.APPROVED, state_changed_at__lt=before
        )[:limit]:
            if task.celery_task_id in broker_message_ids:
                continue
            task.celery_task_id = dispatch.new_message_id()
            ApplicationTask.objects.filter(pk=task.pk).update(celery_task_id=task.celery_task_id)
            dispatch.publish_submit(task.pk, task.celery_task_id)
            published += 1
    return published


def _republish_queued(broker_message_ids: set[str], before: datetime, limit: int) -> int:
    candidates = list(
        ApplicationTask.objects.filter(state=TaskState.QUEUED, queued_at__lt=before)
        .exclude(celery_task_id__in=[*broker_message_ids, WAITING])
        .values_list("pk", flat=True)[:limit]
    )
    republished: list[tuple[int, str, int]] = []
    with transaction.atomic():
        for task in ApplicationTask.objects.select_for_update(skip_locked=True).filter(
            pk__in=candidates, state=TaskState.QUEUED
        ):
            if task.celery_task_id in broker_message_ids or task.celery_task_id == WAITING:
                continue
            message_id = dispatch.new_message_id()
            ApplicationTask.objects.filter(pk=task.pk).update(celery_task_id=message_id)
            republished.append((task.pk, message_id, task.priority))
        dispatch.publish_prepare(republished)
    return len(republished)


def _users_left_waiting(before: datetime, limit: int) -> list[int]:
    """Users with tasks waiting since before `before` (and not for their site's next window)
    and no session in use: their hand-out was lost (a publish that failed, a worker gone
    between its task's end and the hand-out)."""
    holding = ApplicationTask.objects.filter(HOLDS_SESSION, user_id=OuterRef("user_id"))
    may_go = Q(not_before__isnull=True) | Q(not_before__lte=timezone.now())
    return list(
        ApplicationTask.objects.filter(WAITS_FOR_SESSION, may_go, queued_at__lt=before)
        .filter(~Exists(holding))
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()[:limit]
    )
