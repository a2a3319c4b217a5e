"""The session hand-out: the user's next waiting task gets the session given back."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from applications.models import (
    WAITING,
    TaskState,
)
from applications.statements.tables import (
    tasks_table,
)

# --- The session hand-out ---------------------------------------------------------------------


@dataclasses.dataclass
class HandOut:
    """The hand-out of a user's free sessions: their waiting tasks (WAITS_FOR_SESSION) that the
    free sessions allow get a message id, next by priority then age. Run alone (write_hand_out)
    or along with the transition of the task that gives its session back (`leaving`, which the
    statement's snapshot still shows holding it). `messages`: (task id, message id, priority)
    of the tasks given a message, once it has run."""

    user_id: int
    leaving: int | None = None
    messages: list[tuple[int, str, int]] = dataclasses.field(default_factory=list)

    def ctes(self, *, name: str, source: str | None = None) -> tuple[str, list[Any]]:
        """Common table expressions, the last one named `name` returning the tasks given a
        message; with `source` (another CTE's name), only when that has a row.

        `holding`: the user's tasks that hold a session or whose message will take one
        (HOLDS_SESSION). Run alone, they are locked FOR SHARE, so that the transition of one of
        them in flight is waited for and read as committed: a hand-out run on commit of new
        work would otherwise see a task still running whose own hand-out, in the statement that
        ends it, missed that work. Along with a transition, no such lock (two tasks of one user
        ending at once would wait on each other). `next`: the waiting tasks the free sessions
        allow, locked so that two hand-outs never take one; a task waiting for its site's next
        window (`not_before` still to come) is passed over."""
        table = tasks_table()
        now = timezone.now()
        lock = "" if self.leaving else " FOR SHARE"
        sql = (
            f"holding AS (SELECT id FROM {table} WHERE user_id = %s AND id <> %s "
            f"AND (state = %s OR (state = %s AND celery_task_id <> %s)){lock}), "
            f"next AS (SELECT id FROM {table} WHERE user_id = %s AND state = %s "
            "AND celery_task_id = %s AND (not_before IS NULL OR not_before <= %s) "
            "ORDER BY priority DESC, queued_at, id "
            "LIMIT GREATEST(0, %s - (SELECT count(*) FROM holding)) FOR UPDATE), "
            f"{name} AS (UPDATE {table} task SET celery_task_id = gen_random_uuid()::text, "
            "queued_at = %s WHERE task.id = ANY(ARRAY(SELECT id FROM next))"
            + (f" AND EXISTS (SELECT FROM {source})" if source else "")
            + " RETURNING task.id, task.celery_task_id, task.priority)"
        )
        parameters = [
            self.user_id,
            self.leaving or 0,
            TaskState.RUNNING,
            TaskState.QUEUED,
            WAITING,
            self.user_id,
            TaskState.QUEUED,
            WAITING,
            now,
            settings.MAX_SESSIONS_PER_USER,
            now,
        ]
        return sql, parameters


def write_hand_out(hand_out: HandOut) -> None:
    """The hand-out run alone; its `messages` are filled in. Pinned by
    test_an_ingestion_publishes_one_task_per_free_session_and_the_rest_wait."""
    sql, parameters = hand_out.ctes(name="handed_out")
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {sql} SELECT id, celery_task_id, priority FROM handed_out", parameters
        )
        hand_out.messages = [tuple(row) for row in cursor.fetchall()]
