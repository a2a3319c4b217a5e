"""The writes of a step boundary, a heartbeat, a pause request, and the (user, posting) lock."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from applications.models import (
    WAITING,
    Application,
    ApplicationStatus,
    ApplicationTask,
    TaskState,
)
from applications.statements.tables import (
    INGESTION_LOCK_NAMESPACE,
    SUBMIT_STATES,
    submits_of,
    tasks_table,
)
from core import rows

# --- Writes -----------------------------------------------------------------------------------


def write_step_boundary(
    task: ApplicationTask, *, checkpoint: dict[str, Any], now: Any
) -> tuple[bool, list[int] | None] | None:
    """A step boundary: the checkpoint and heartbeat, while the row is RUNNING under the
    worker's message id, and the pause request read back, with the user's submits under way
    when there is one. None when the row is no longer the worker's. Pinned by
    test_slower_steps_are_each_written_at_their_boundary."""
    field = ApplicationTask._meta.get_field("checkpoint")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {tasks_table()} task SET checkpoint = %s, heartbeat_at = %s "
            "WHERE id = %s AND state = %s AND celery_task_id = %s AND celery_task_id <> %s "
            "RETURNING task.pause_requested_at IS NOT NULL, CASE WHEN "
            f"task.pause_requested_at IS NOT NULL THEN ARRAY({submits_of('task.user_id')}) END",
            [
                field.get_db_prep_save(checkpoint, connection),
                now,
                task.pk,
                TaskState.RUNNING,
                task.celery_task_id,
                WAITING,
                list(SUBMIT_STATES),
            ],
        )
        return cursor.fetchone()


def write_heartbeat(task: ApplicationTask, *, state: str, now: Any) -> bool:
    """The heartbeat of a task in `state` under the worker's message id (a submit's click is
    under way); False when the row is no longer the worker's."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {tasks_table()} SET heartbeat_at = %s "
            "WHERE id = %s AND state = %s AND celery_task_id = %s AND celery_task_id <> %s",
            [now, task.pk, state, task.celery_task_id, WAITING],
        )
        return cursor.rowcount == 1


def write_pause_requests(task_ids: list[int]) -> list[tuple[int, str]]:
    """Ask these running tasks to pause; returns (id, message id) of the rows asked. The rows
    are locked in id order: an approval and a submit of the same user may ask the same tasks at
    once, and two statements that lock them in different orders deadlock."""
    if not task_ids:
        return []
    table = tasks_table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET pause_requested_at = %s WHERE id IN (SELECT id FROM {table} "
            "WHERE id = ANY(%s) AND state = %s ORDER BY id FOR NO KEY UPDATE) "
            "RETURNING id, celery_task_id",
            [timezone.now(), task_ids, TaskState.RUNNING],
        )
        return [(row[0], row[1]) for row in cursor.fetchall()]


def lock_ingestions_of(user_id: int) -> None:
    """One ingestion per user at a time, until the transaction ends (an advisory lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [INGESTION_LOCK_NAMESPACE, user_id])


def application_lock_upsert(task: ApplicationTask) -> rows.Upsert:
    """The task's (user, posting) lock as one statement, run alone or along with the claim: an
    INSERT takes it when nobody has a row for the posting yet (the unique constraint lets one of
    any concurrent inserts through), and a conflicting row counts when it is this task's lock
    already, held since before a pause or redelivery."""
    table = rows.quote(Application._meta.db_table)
    return rows.Upsert(
        Application(
            user_id=task.user_id,
            job_id=task.job_id,
            status=ApplicationStatus.IN_PROGRESS,
            claimed_by_task=task,
            claimed_at=timezone.now(),
        ),
        on_conflict=f"(user_id, job_id) DO UPDATE SET claimed_at = {table}.claimed_at "
        f"WHERE {table}.status = %s AND {table}.claimed_by_task_id = EXCLUDED.claimed_by_task_id",
        parameters=[ApplicationStatus.IN_PROGRESS],
    )
