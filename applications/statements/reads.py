"""The reads on a posting's path: claims, running work, submits under way, recent submissions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from applications.models import (
    ApplicationTask,
    TaskState,
)
from applications.statements.tables import (
    POSTING_COLUMNS,
    SUBMIT_STATES,
    jobs_table,
    submits_of,
    tasks_table,
)
from core import rows

# --- Reads ------------------------------------------------------------------------------------


def read_for_prepare_claim(task_id: int) -> ApplicationTask | None:
    """The task, with `submit_under_way`: whether an approved task it yielded its session to
    (`yield_to`) is still on its way to the click. Those are looked up by id: a scan of the
    state index would wade through the entries every task leaves behind in APPROVED and
    SUBMITTING. With the posting's columns (POSTING_COLUMNS) and `submitted_lately`: whether
    the user submitted anything within REPOST_WINDOW_DAYS (else no repost is looked for). Pinned
    by test_claiming_a_task_takes_its_lock_in_the_same_statement (the read, then the claim)."""
    table = tasks_table()
    since = timezone.now() - timedelta(days=settings.REPOST_WINDOW_DAYS)
    found = rows.read(
        ApplicationTask,
        "SELECT task.*, EXISTS (SELECT FROM jsonb_array_elements_text(task.yield_to) "
        f"AS yielded_to (id) WHERE (SELECT state FROM {table} "
        "WHERE id = yielded_to.id::bigint) = ANY(%s)) "
        f"AS submit_under_way, {POSTING_COLUMNS}, EXISTS (SELECT FROM {table} submitted "
        "WHERE submitted.user_id = task.user_id AND submitted.state = %s "
        "AND submitted.finished_at >= %s) AS submitted_lately "
        f"FROM {table} task JOIN {jobs_table()} job ON job.id = task.job_id WHERE task.id = %s",
        [list(SUBMIT_STATES), TaskState.SUBMITTED, since, task_id],
    )
    return found[0] if found else None


def read_for_submit_claim(task_id: int) -> ApplicationTask | None:
    """The task, with `running_for_user`: how many other tasks of its user run (hold the
    session a submit needs), and the posting's columns (POSTING_COLUMNS). Pinned by
    test_a_submit_is_claimed_in_two_statements."""
    table = tasks_table()
    found = rows.read(
        ApplicationTask,
        f"SELECT task.*, (SELECT count(*) FROM {table} other WHERE other.user_id = task.user_id "
        f"AND other.state = %s AND other.id <> task.id) AS running_for_user, {POSTING_COLUMNS} "
        f"FROM {table} task JOIN {jobs_table()} job ON job.id = task.job_id WHERE task.id = %s",
        [TaskState.RUNNING, task_id],
    )
    return found[0] if found else None


def read_locked(task_id: int) -> ApplicationTask | None:
    """The task, locked until the transaction ends (SELECT ... FOR UPDATE)."""
    return rows.get(ApplicationTask, task_id, lock=True)


def read_running_with_submit_counts(*, other_than: int) -> list[ApplicationTask]:
    """Every running task but `other_than`, lowest priority and newest first, each carrying
    `approved` and `submitting`: how many tasks are APPROVED (waiting for a slot to submit in)
    and SUBMITTING (each holding a slot) now. Runs inside every approval; pinned by
    test_an_approval_asks_its_users_running_task_to_pause_and_nobody_elses (one read, one
    write, however many tasks run)."""
    table = tasks_table()
    return rows.read(
        ApplicationTask,
        f"SELECT id, state, user_id, celery_task_id, priority, started_at, pause_requested_at, "
        f"(SELECT count(*) FROM {table} WHERE state = %s) AS approved, "
        f"(SELECT count(*) FROM {table} WHERE state = %s) AS submitting "
        f"FROM {table} WHERE state = %s AND id <> %s ORDER BY priority, started_at DESC",
        [TaskState.APPROVED, TaskState.SUBMITTING, TaskState.RUNNING, other_than],
    )


def read_running_of_user(*, user_id: int, other_than: int) -> list[ApplicationTask]:
    """The user's running tasks but `other_than`: the holders of the sessions a submit
    needs."""
    return rows.read(
        ApplicationTask,
        f"SELECT id, state, celery_task_id, pause_requested_at FROM {tasks_table()} "
        "WHERE user_id = %s AND state = %s AND id <> %s",
        [user_id, TaskState.RUNNING, other_than],
    )


def read_submits_under_way(user_id: int) -> list[int]:
    """The ids of the user's approved tasks not yet submitted: what a pausing task yields to."""
    with connection.cursor() as cursor:
        cursor.execute(submits_of("%s"), [user_id, list(SUBMIT_STATES)])
        return [task_id for (task_id,) in cursor.fetchall()]


def ascii_key(text: str) -> str:
    """The ASCII letters and digits of a text, lower case: what SQL_ASCII_KEY computes in the
    database, so that a statement can narrow rows down before Python compares names."""
    return "".join(
        character.lower() for character in text if character.isascii() and character.isalnum()
    )


# SQL of ascii_key for one expression (`{}`).
SQL_ASCII_KEY = "lower(regexp_replace({}, '[^A-Za-z0-9]+', '', 'g'))"


def read_recent_submissions_like(
    *, user_id: int, other_than_job: int, since: Any, title_key: str, company_prefix: str
) -> list[tuple[str, str, str, Any]]:
    """The user's tasks SUBMITTED since `since` under a posting other than `other_than_job`,
    whose title (as the page gave it, else the posting's) has `title_key` as its ascii_key and
    whose company's ascii_key starts with `company_prefix`, newest first: (company, title, url,
    finished_at). A coarse filter that every repost passes; the caller compares the names.
    Pinned by test_a_repost_is_looked_for_in_two_statements."""
    shown = "COALESCE(NULLIF(task.checkpoint #>> '{{posting,{0}}}', ''), job.{0})"
    company, title = shown.format("company"), shown.format("title")
    jobs = jobs_table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {company}, {title}, job.url, task.finished_at FROM {tasks_table()} task "
            f"JOIN {jobs} job ON job.id = task.job_id "
            "WHERE task.user_id = %s AND task.state = %s AND task.finished_at >= %s "
            f"AND task.job_id <> %s AND {SQL_ASCII_KEY.format(title)} = %s "
            f"AND starts_with({SQL_ASCII_KEY.format(company)}, %s) "
            "ORDER BY task.finished_at DESC LIMIT 100",
            [user_id, TaskState.SUBMITTED, since, other_than_job, title_key, company_prefix],
        )
        return cursor.fetchall()
