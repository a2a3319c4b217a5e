"""Every hand-written SQL statement of the applications domain, one function each.

These run on the path every posting takes, several times per posting, so each is one round
trip. Each function says what it reads or writes and which test pins the number of statements
of the path it is on; the services call them and decide what the results mean. The column
layout comes from the models (core.rows), and the conditions that define "waiting for a
session" and "holding one" are the models' WAITS_FOR_SESSION and HOLDS_SESSION, written out
here once (tests/test_session_hand_out.py checks that both agree).
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from applications.models import (
    WAITING,
    Application,
    ApplicationStatus,
    ApplicationTask,
    TaskState,
)
from core import rows
from jobs.models import JobPosting

# The states of an approved task on its way to the final click.
SUBMIT_STATES = (TaskState.APPROVED, TaskState.SUBMITTING)
# First key of the PostgreSQL advisory lock that serializes one user's ingestions.
INGESTION_LOCK_NAMESPACE = 7301


def _tasks() -> str:
    return rows.quote(ApplicationTask._meta.db_table)


def _jobs() -> str:
    return rows.quote(JobPosting._meta.db_table)


# The posting's columns a worker needs, read with its task's claim: `job_company`, `job_title`
# and `job_url` (the rules before the click, reposts, the site's pace).
_POSTING_COLUMNS = "job.company AS job_company, job.title AS job_title, job.url AS job_url"


# --- Reads ------------------------------------------------------------------------------------


def read_for_prepare_claim(task_id: int) -> ApplicationTask | None:
    """The task, with `submit_under_way`: whether an approved task it yielded its session to
    (`yield_to`) is still on its way to the click. Those are looked up by id: a scan of the
    state index would wade through the entries every task leaves behind in APPROVED and
    SUBMITTING. With the posting's columns (_POSTING_COLUMNS) and `submitted_lately`: whether
    the user submitted anything within REPOST_WINDOW_DAYS (else no repost is looked for). Pinned
    by test_claiming_a_task_takes_its_lock_in_the_same_statement (the read, then the claim)."""
    table = _tasks()
    since = timezone.now() - timedelta(days=settings.REPOST_WINDOW_DAYS)
    found = rows.read(
        ApplicationTask,
        "SELECT task.*, EXISTS (SELECT FROM jsonb_array_elements_text(task.yield_to) "
        f"AS yielded_to (id) WHERE (SELECT state FROM {table} "
        "WHERE id = yielded_to.id::bigint) = ANY(%s)) "
        f"AS submit_under_way, {_POSTING_COLUMNS}, EXISTS (SELECT FROM {table} submitted "
        "WHERE submitted.user_id = task.user_id AND submitted.state = %s "
        "AND submitted.finished_at >= %s) AS submitted_lately "
        f"FROM {table} task JOIN {_jobs()} job ON job.id = task.job_id WHERE task.id = %s",
        [list(SUBMIT_STATES), TaskState.SUBMITTED, since, task_id],
    )
    return found[0] if found else None


def read_for_submit_claim(task_id: int) -> ApplicationTask | None:
    """The task, with `running_for_user`: how many other tasks of its user run (hold the
    session a submit needs), and the posting's columns (_POSTING_COLUMNS). Pinned by
    test_a_submit_is_claimed_in_two_statements."""
    table = _tasks()
    found = rows.read(
        ApplicationTask,
        f"SELECT task.*, (SELECT count(*) FROM {table} other WHERE other.user_id = task.user_id "
        f"AND other.state = %s AND other.id <> task.id) AS running_for_user, {_POSTING_COLUMNS} "
        f"FROM {table} task JOIN {_jobs()} job ON job.id = task.job_id WHERE task.id = %s",
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
    table = _tasks()
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
        f"SELECT id, state, celery_task_id, pause_requested_at FROM {_tasks()} "
        "WHERE user_id = %s AND state = %s AND id <> %s",
        [user_id, TaskState.RUNNING, other_than],
    )


def _submits_of(user: str) -> str:
    """A SELECT of the ids of a user's tasks on their way to the click (SUBMIT_STATES is its one
    parameter). `user`: an SQL expression."""
    return (
        f"SELECT submit.id FROM {_tasks()} submit "
        f"WHERE submit.user_id = {user} AND submit.state = ANY(%s)"
    )


def read_submits_under_way(user_id: int) -> list[int]:
    """The ids of the user's approved tasks not yet submitted: what a pausing task yields to."""
    with connection.cursor() as cursor:
        cursor.execute(_submits_of("%s"), [user_id, list(SUBMIT_STATES)])
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
    jobs = _jobs()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {company}, {title}, job.url, task.finished_at FROM {_tasks()} task "
            f"JOIN {jobs} job ON job.id = task.job_id "
            "WHERE task.user_id = %s AND task.state = %s AND task.finished_at >= %s "
            f"AND task.job_id <> %s AND {SQL_ASCII_KEY.format(title)} = %s "
            f"AND starts_with({SQL_ASCII_KEY.format(company)}, %s) "
            "ORDER BY task.finished_at DESC LIMIT 100",
            [user_id, TaskState.SUBMITTED, since, other_than_job, title_key, company_prefix],
        )
        return cursor.fetchall()


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
            f"UPDATE {_tasks()} task SET checkpoint = %s, heartbeat_at = %s "
            "WHERE id = %s AND state = %s AND celery_task_id = %s AND celery_task_id <> %s "
            "RETURNING task.pause_requested_at IS NOT NULL, CASE WHEN "
            f"task.pause_requested_at IS NOT NULL THEN ARRAY({_submits_of('task.user_id')}) END",
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
            f"UPDATE {_tasks()} SET heartbeat_at = %s "
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
    table = _tasks()
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
        table = _tasks()
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


# --- A transition with what belongs to its new state ------------------------------------------

# A write made in the same statement as a task's transition.
Along = Model | rows.ConditionalUpdate | rows.Upsert | HandOut


def write_transition(
    task: ApplicationTask,
    *,
    from_state: str,
    guard: dict[str, Any],
    event: Model,
    alongside: list[Along],
) -> bool:
    """The task's changed columns, its event row and the writes alongside, in one statement: an
    UPDATE conditional on the state the transition started from (and `guard`, such as the
    message id a worker holds), then INSERTs and UPDATEs that happen only when that UPDATE
    matched. One round trip, atomic without a transaction of its own. Returns whether the task's
    row matched; each write alongside is told its outcome (a ConditionalUpdate's or Upsert's
    `matched`, an inserted row's primary key, a HandOut's `messages`). Pinned by
    test_a_prepared_task_gives_its_session_to_the_next_waiting_task_in_the_same_statement
    (PENDING_APPROVAL, its event, the approval request and the hand-out: one statement)."""
    update, parameters, changes = rows.conditional_update(
        task, where={"id": task.pk, "state": from_state, **guard}
    )
    writes = [event, *alongside]
    clauses = [f"changed AS ({update} RETURNING 1)"]
    selects, written, inserted = [], {}, {}
    for number, write in enumerate(writes):
        name = f"write{number}"
        clause, select, values, written[number] = _along(name, write, inserted)
        if isinstance(write, Model):
            inserted[id(write)] = name
        clauses.append(clause)
        selects.append(select)
        parameters.extend(values)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(clauses)} SELECT {', '.join(selects)}", parameters)
        results = cursor.fetchone()
    if results[0] is None:
        return False
    rows.stored(task, changes)
    for write, result, change in zip(writes, results, written.values(), strict=True):
        _tell_outcome(write, result, change)
    for write in writes:
        if isinstance(write, Model):
            for field, parent in _new_parents(write, inserted):
                setattr(write, field.attname, parent.pk)
    return True


def _along(
    name: str, write: Along, inserted: dict[int, str]
) -> tuple[str, str, list[Any], dict | None]:
    """A write alongside a transition: its CTE (named `name`, made only when the task's UPDATE,
    `changed`, matched), the SELECT of its outcome, its parameters, and the changes a
    ConditionalUpdate will have stored. A new row whose foreign key points to a row inserted
    earlier in the same statement (an approval link to its new request; `inserted` names their
    CTEs) takes that row's id from its CTE."""
    if isinstance(write, rows.ConditionalUpdate):
        sql, values, changes = rows.conditional_update(write.instance, where=write.where)
        clause = f"{name} AS ({sql} AND EXISTS (SELECT FROM changed) RETURNING 1)"
        return clause, f"(SELECT count(*) FROM {name})", values, changes
    if isinstance(write, rows.Upsert):
        sql, values = write.sql(source="changed")
        return f"{name} AS ({sql})", f"(SELECT count(*) FROM {name})", values, None
    if isinstance(write, HandOut):
        sql, values = write.ctes(name=name, source="changed")
        select = f"(SELECT json_agg(json_build_array(id, celery_task_id, priority)) FROM {name})"
        return sql, select, values, None
    columns, values = rows.insert_columns(write)
    placeholders = ["%s"] * len(values)
    parents = {
        field.attname: inserted[id(parent)] for field, parent in _new_parents(write, inserted)
    }
    names = [field.attname for field in write._meta.concrete_fields if not field.primary_key]
    for position in reversed(range(len(names))):
        if names[position] in parents:
            placeholders[position] = f"(SELECT id FROM {parents[names[position]]})"
            del values[position]
    placeholders = ", ".join(placeholders)
    clause = (
        f"{name} AS (INSERT INTO {rows.quote(write._meta.db_table)} ({columns}) "
        f"SELECT {placeholders} FROM changed RETURNING id)"
    )
    return clause, f"(SELECT id FROM {name})", values, None


def _new_parents(write: Model, inserted: dict[int, str]) -> list[tuple[Any, Model]]:
    """The foreign keys of a new row that point to rows inserted in the same statement."""
    found = []
    for field in write._meta.concrete_fields:
        if field.is_relation and field.is_cached(write):
            parent = field.get_cached_value(write)
            if parent is not None and id(parent) in inserted:
                found.append((field, parent))
    return found


def _tell_outcome(write: Along, result: Any, changes: dict | None) -> None:
    if isinstance(write, rows.ConditionalUpdate | rows.Upsert):
        write.matched = result == 1
        if write.matched and changes is not None:
            rows.stored(write.instance, changes)
    elif isinstance(write, HandOut):
        write.messages = [tuple(message) for message in result or []]
    else:
        write.pk = result
        write._state.adding = False
