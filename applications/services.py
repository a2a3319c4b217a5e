"""Writes of the applications domain: ingestion, the per-user duplicate lock, and every change of
a task's state."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, Exists, Model, OuterRef, Q
from django.utils import timezone
from django_fsm import ConcurrentTransition
from rest_framework.authtoken.models import Token

from applications import rows, slots
from applications.exceptions import DuplicateApplication, InvalidJobUrls, TaskActionNotAllowed
from applications.models import (
    ACTIVE_STATES,
    HOLDS_SESSION,
    WAITING,
    WAITS_FOR_SESSION,
    Application,
    ApplicationRun,
    ApplicationStatus,
    ApplicationTask,
    Profile,
    TaskEvent,
    TaskPriority,
    TaskState,
)
from config import dispatch
from jobs.canonical import CanonicalUrl, InvalidJobUrl, canonicalize_url
from jobs.models import JobPosting
from jobs.services import job_postings_upsert

logger = logging.getLogger(__name__)

# First key of the PostgreSQL advisory lock that serializes one user's ingestions.
INGESTION_LOCK_NAMESPACE = 7301

TASK_TRANSITIONS = frozenset(
    {
        "claim",
        "requeue",
        "prepared",
        "approve",
        "reject",
        "expire",
        "start_submit",
        "mark_submitted",
        "fail",
        "skip",
        "cancel",
        "retry",
        "resume",
    }
)

# The states in which a task holds one of its user's sessions, or has a message that will take
# one: running, or queued with a message.
SESSION_STATES = frozenset({TaskState.QUEUED, TaskState.RUNNING})


@dataclass
class SessionDispatch:
    """The user's waiting tasks that their free sessions allow get message ids, next by
    priority then age (`messages`: (task id, message id, priority), for publishing). Run alone
    (tasks_dispatch_waiting) or along with the transition of the task that gives its session
    back (`leaving`), which the statement's snapshot still shows holding it."""

    user_id: int
    leaving: int | None = None
    messages: list[tuple[int, str, int]] = field(default_factory=list)

    def ctes(self, *, name: str, source: str | None = None) -> tuple[str, list[Any]]:
        """The dispatch as common table expressions, the last one named `name` returning the
        dispatched rows, and their parameters; with `source` (another CTE's name), it
        dispatches only when that has a row. The conditions are the models' WAITS_FOR_SESSION
        and HOLDS_SESSION."""
        table = rows.quote(ApplicationTask._meta.db_table)
        # `holding`: the user's tasks that hold a session or whose message will take one. Run
        # alone, the dispatch locks them FOR SHARE, so that the transition of one of them that
        # is in flight is waited for and read as committed: a dispatch run on commit of new
        # work would otherwise see a task still running whose own dispatch, in the statement
        # that ends it, missed that work. Along with a transition it takes no such lock (two
        # tasks of one user ending at once would wait on each other). `next`: the waiting
        # tasks the free sessions allow, locked so that two dispatches never take one.
        lock = "" if self.leaving else " FOR SHARE"
        sql = (
            f"holding AS (SELECT id FROM {table} WHERE user_id = %s AND id <> %s "
            f"AND (state = %s OR (state = %s AND celery_task_id <> %s)){lock}), "
            f"next AS (SELECT id FROM {table} WHERE user_id = %s AND state = %s "
            "AND celery_task_id = %s ORDER BY priority DESC, queued_at, id "
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
            settings.MAX_SESSIONS_PER_USER,
            timezone.now(),
        ]
        return sql, parameters


# A write made in the same statement as a task's transition (task_transition's `along`).
Along = Model | rows.ConditionalUpdate | rows.Upsert | SessionDispatch


# --- Task state ---------------------------------------------------------------------------------


def task_transition(
    *,
    task: ApplicationTask,
    transition: str,
    actor: str = "system",
    reason: str = "",
    guard: dict[str, Any] | None = None,
    along: Along | list[Along] | None = None,
    **arguments: Any,
) -> ApplicationTask:
    """The one way a task changes state: the django-fsm transition, a time stamp and one event
    row. Raises TransitionNotAllowed when the state does not allow it and ConcurrentTransition
    when another writer changed the state since it was loaded, or when a `guard` column (such
    as the message id a worker holds) no longer has the given value. `along`: a write that
    belongs to the new state, done in the same statement: a new row (the approval request of a
    prepared task), an update of another row (the duplicate lock of a submitted task), or an
    upsert (the duplicate lock of a claimed task), or a SessionDispatch (the user's next
    waiting task, when this one gives its session back); or a list of those."""
    if transition not in TASK_TRANSITIONS:
        raise ValueError(f"Unknown task transition {transition!r}.")
    from_state = task.state
    getattr(task, transition)(**arguments)
    task.state_changed_at = timezone.now()
    if transition == "fail" and reason:
        task.last_error = reason
    event = TaskEvent(
        task_id=task.pk,
        from_state=from_state,
        to_state=task.state,
        transition=transition,
        actor=actor,
        reason=reason,
    )
    if along is None:
        along = []
    elif not isinstance(along, list):
        along = [along]
    alongside = [event, *along]
    if not _save_transition(task, from_state=from_state, alongside=alongside, guard=guard or {}):
        raise ConcurrentTransition(
            f"Task {task.pk} is no longer {from_state} as loaded; another writer changed it."
        )
    logger.info(
        "task state changed",
        extra={"task_id": task.pk, "from": from_state, "to": task.state, "actor": actor},
    )
    dispatched = [write for write in alongside if isinstance(write, SessionDispatch)]
    for write in dispatched:
        dispatch.publish_prepare(write.messages)
    if from_state in SESSION_STATES and task.state not in SESSION_STATES and not dispatched:
        # The task no longer holds (or waits for) one of its user's sessions: the user's next
        # waiting task may go, once this change is committed.
        _dispatch_on_commit(task.user_id)
    return task


def _save_transition(
    task: ApplicationTask,
    *,
    from_state: str,
    alongside: list[Along],
    guard: dict[str, Any],
) -> bool:
    """Write the changed columns and the rows alongside (the event first) in one statement: an
    UPDATE conditional on the state the transition started from (the optimistic lock of
    ConcurrentTransitionMixin), and INSERTs and UPDATEs that happen only when that UPDATE
    matched. One round trip, atomic without a transaction of its own. Returns whether the row
    matched."""
    update, parameters, changes = rows.conditional_update(
        task, where={"id": task.pk, "state": from_state, **guard}
    )
    clauses = [f"changed AS ({update} RETURNING 1)"]
    selects = []
    written = {}
    for number, write in enumerate(alongside):
        if isinstance(write, rows.ConditionalUpdate):
            sql, values, written[number] = rows.conditional_update(
                write.instance, where=write.where
            )
            clauses.append(f"write{number} AS ({sql} AND EXISTS (SELECT FROM changed) RETURNING 1)")
            selects.append(f"(SELECT count(*) FROM write{number})")
        elif isinstance(write, rows.Upsert):
            sql, values = write.sql(source="changed")
            clauses.append(f"write{number} AS ({sql})")
            selects.append(f"(SELECT count(*) FROM write{number})")
        elif isinstance(write, SessionDispatch):
            sql, values = write.ctes(name=f"write{number}", source="changed")
            clauses.append(sql)
            selects.append(
                f"(SELECT json_agg(json_build_array(id, celery_task_id, priority)) "
                f"FROM write{number})"
            )
        else:
            columns, values = rows.insert_columns(write)
            placeholders = ", ".join(["%s"] * len(values))
            clauses.append(
                f"write{number} AS (INSERT INTO {rows.quote(write._meta.db_table)} ({columns}) "
                f"SELECT {placeholders} FROM changed RETURNING id)"
            )
            selects.append(f"(SELECT id FROM write{number})")
        parameters.extend(values)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(clauses)} SELECT {', '.join(selects)}", parameters)
        results = cursor.fetchone()
    if results[0] is None:
        return False
    rows.stored(task, changes)
    for number, (write, result) in enumerate(zip(alongside, results, strict=True)):
        if isinstance(write, rows.ConditionalUpdate):
            write.matched = result == 1
            if write.matched:
                rows.stored(write.instance, written[number])
        elif isinstance(write, rows.Upsert):
            write.matched = result == 1
        elif isinstance(write, SessionDispatch):
            write.messages = [tuple(message) for message in result or []]
        else:
            write.pk = result
            write._state.adding = False
    return True


def task_cancel(*, task: ApplicationTask, actor: str, reason: str = "") -> ApplicationTask:
    was_approved = task.state == TaskState.APPROVED
    with transaction.atomic():
        task_transition(task=task, transition="cancel", actor=actor, reason=reason)
        application_release(task=task)
        if was_approved:
            transaction.on_commit(lambda: slots.submit_ended(task.user_id))
    return task


def _publish_prepare(tasks: list[ApplicationTask]) -> None:
    dispatch.publish_prepare([(task.pk, task.celery_task_id, task.priority) for task in tasks])


def _requeue_with(
    task: ApplicationTask,
    *,
    transition: str,
    actor: str,
    reason: str,
    waits: bool = False,
    **arguments: Any,
) -> ApplicationTask:
    """A transition into QUEUED. A task that held its user's session (paused, or found stale)
    keeps it: a fresh message id on the row, the message published on commit. `waits`: a task
    queued again by its user waits for a free session of theirs, like newly ingested work. Any
    older message for the task is dropped by the worker, since its id no longer matches."""
    task.celery_task_id = WAITING if waits else dispatch.new_message_id()
    task_transition(task=task, transition=transition, actor=actor, reason=reason, **arguments)
    if waits:
        _dispatch_on_commit(task.user_id)
    else:
        # One statement: published at once, or when the caller's transaction commits.
        _publish_prepare([task])
    return task


def task_retry(*, task: ApplicationTask, actor: str) -> ApplicationTask:
    return _requeue_with(
        task, transition="retry", actor=actor, reason="retried by user", waits=True
    )


def task_resume(*, task: ApplicationTask, actor: str) -> ApplicationTask:
    return _requeue_with(
        task, transition="resume", actor=actor, reason="resumed by user", waits=True
    )


def task_boost(*, task: ApplicationTask, actor: str) -> ApplicationTask:
    """Move a queued task ahead of normal work. Not a change of state, but written down as one
    event all the same, so that the task's history says why it jumped the line."""
    message_id = dispatch.new_message_id()
    with transaction.atomic():
        # Conditional UPDATEs: a task claimed meanwhile is not boosted behind the worker's back.
        # A published task's boosted message replaces the normal one, which the worker will
        # drop; a task waiting for its user's session becomes the next of theirs to go.
        queued = ApplicationTask.objects.filter(pk=task.pk, state=TaskState.QUEUED)
        boosted = queued.exclude(celery_task_id=WAITING).update(
            priority=TaskPriority.BOOSTED, celery_task_id=message_id
        )
        published = boosted == 1
        if not published:
            boosted = queued.filter(celery_task_id=WAITING).update(priority=TaskPriority.BOOSTED)
        if boosted != 1:
            current = ApplicationTask.objects.get(pk=task.pk)
            raise TaskActionNotAllowed(
                f"Only a queued task can be boosted; this one is {current.get_state_display()}."
            )
        TaskEvent.objects.create(
            task=task,
            from_state=TaskState.QUEUED,
            to_state=TaskState.QUEUED,
            transition="boost",
            actor=actor,
            reason="boosted by user",
        )
        if published:
            dispatch.publish_prepare([(task.pk, message_id, TaskPriority.BOOSTED)])
    return ApplicationTask.objects.select_related("job").get(pk=task.pk)


# --- Sessions -------------------------------------------------------------------------------------
#
# A user has at most MAX_SESSIONS_PER_USER browser sessions at once (DESIGN.md, "Slots"), so the
# broker holds at most that many prepare messages of theirs: a queued task either has its
# message (`celery_task_id`) or waits in the database without one (WAITING) until a session of
# its user frees. The broker's queue therefore interleaves users: one user's 10,000 postings do
# not hold everyone else's back, and an approval seldom finds its user's session taken by the
# next posting in line. A paused task keeps its user's session (its message is published at
# once); it resumes before the user's waiting work.


def tasks_dispatch_waiting(*, user_id: int) -> int:
    """Publish as many of the user's waiting tasks as their free sessions allow (on commit of
    the caller's transaction). Run whenever a session may have freed; idempotent, and safe at
    any time. Returns how many were published."""
    write = SessionDispatch(user_id=user_id)
    sql, parameters = write.ctes(name="dispatched")
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {sql} SELECT id, celery_task_id, priority FROM dispatched", parameters
        )
        write.messages = cursor.fetchall()
    dispatch.publish_prepare(write.messages)
    return len(write.messages)


def _dispatch_on_commit(user_id: int) -> None:
    """The user's waiting tasks are looked at once the caller's transaction commits (when they
    can be seen by every worker)."""
    transaction.on_commit(lambda: tasks_dispatch_waiting(user_id=user_id))


# --- The per-user duplicate lock ------------------------------------------------------------------


def _applied_on(application: Application) -> str:
    if application.last_applied_at is None:
        return "an earlier date"
    return application.last_applied_at.date().isoformat()


def _lock_ingestion_of(user: AbstractBaseUser) -> None:
    """One ingestion per user at a time, until the transaction ends: two identical requests sent
    together would otherwise both find the postings free and both queue them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [INGESTION_LOCK_NAMESPACE, user.pk])


def _raise_if_taken(application: Application) -> None:
    if application.status == ApplicationStatus.APPLIED:
        raise DuplicateApplication(
            status="applied",
            application_id=application.pk,
            detail=f"Already applied to {_label(application.job)} on {_applied_on(application)}.",
        )
    if application.status == ApplicationStatus.IN_PROGRESS:
        raise DuplicateApplication(
            status="in_progress",
            application_id=application.pk,
            detail=f"An application to {_label(application.job)} is in progress.",
        )


def application_claim(
    *, user: AbstractBaseUser, job: JobPosting, task: ApplicationTask | None = None
) -> Application:
    """Take the (user, posting) lock: PENDING → IN_PROGRESS as a compare-and-set. Of any number
    of concurrent claimers exactly one wins; the others get DuplicateApplication."""
    application, _ = Application.objects.get_or_create(user=user, job=job)
    _raise_if_taken(application)
    try:
        with transaction.atomic():
            application.claim(task=task)
            application.save()
    except ConcurrentTransition:
        # Another claimer's UPDATE matched first; ours found the row no longer PENDING. A fresh
        # read, not refresh_from_db(): django-fsm lifts a protected field's guard for the whole
        # class while it refreshes, which races with other threads.
        _raise_if_taken(Application.objects.select_related("job").get(pk=application.pk))
        raise
    return application


def application_release(*, task: ApplicationTask) -> Application | None:
    """Give the lock back when the task that holds it stops without applying."""
    application = Application.objects.filter(
        user_id=task.user_id,
        job_id=task.job_id,
        status=ApplicationStatus.IN_PROGRESS,
        claimed_by_task=task,
    ).first()
    if application is None:
        return None
    with transaction.atomic():
        application.release()
        application.save()
    return application


def application_mark_applied(*, application: Application) -> Application:
    with transaction.atomic():
        application.mark_applied()
        application.save()
    return application


# --- Ingestion ---------------------------------------------------------------------------------


@dataclass
class IngestResult:
    run: ApplicationRun | None
    tasks: list[ApplicationTask] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _label(job: JobPosting) -> str:
    return job.company or job.title or job.url


def _normalized(text: str) -> str:
    return "".join(character for character in text.casefold() if character.isalnum())


def _canonicalize_all(job_urls: list[str]) -> list[CanonicalUrl]:
    canonical: list[CanonicalUrl] = []
    for position, raw in enumerate(job_urls):
        try:
            canonical.append(canonicalize_url(raw))
        except InvalidJobUrl as error:
            raise InvalidJobUrls(f"job_urls[{position}]: {error}") from error
    return canonical


def _preference_reason(
    job: JobPosting, profile: Profile | None, company_counts: dict[str, int]
) -> str | None:
    if profile is None:
        return None
    company = _normalized(job.company)
    if company and company in {_normalized(name) for name in profile.company_blocklist}:
        return "the company is on your blocklist"
    title = job.title.casefold()
    for keyword in profile.avoid_title_keywords:
        if keyword and keyword.casefold() in title:
            return f"the title contains “{keyword}”"
    limit = profile.max_applications_per_company
    if limit is not None and company and company_counts.get(company, 0) >= limit:
        return f"you apply to at most {limit} posting(s) per company"
    return None


def _company_counts(user: AbstractBaseUser, jobs: list[JobPosting]) -> dict[str, int]:
    """How many postings of each of these companies the user applied to or has under way."""
    companies = {job.company for job in jobs if job.company}
    rows = (
        JobPosting.objects.filter(company__in=companies)
        .filter(
            Q(
                applications__user=user,
                applications__status__in=[
                    ApplicationStatus.IN_PROGRESS,
                    ApplicationStatus.APPLIED,
                ],
            )
            | Q(tasks__user=user, tasks__state__in=ACTIVE_STATES)
        )
        .values("company")
        .annotate(postings=Count("id", distinct=True))
    )
    counts: dict[str, int] = {}
    for row in rows:
        key = _normalized(row["company"])
        counts[key] = counts.get(key, 0) + row["postings"]
    return counts


def _ingest(
    *, user: AbstractBaseUser, run: ApplicationRun | None, job_urls: list[str], run_name: str
) -> IngestResult:
    canonical = _canonicalize_all(job_urls)
    result = IngestResult(run=run)

    first_position: dict[str, int] = {}
    unique: list[CanonicalUrl] = []
    for position, posting in enumerate(canonical):
        if posting.key in first_position:
            earlier = first_position[posting.key]
            result.warnings.append(
                f"Skipped {posting.url} — the same posting as job_urls[{earlier}]."
            )
            continue
        first_position[posting.key] = position
        unique.append(posting)

    with transaction.atomic():
        _lock_ingestion_of(user)

        jobs_by_key = job_postings_upsert(postings=unique)
        jobs = [jobs_by_key[posting.key] for posting in unique]
        job_ids = [job.pk for job in jobs]

        taken = {
            application.job_id: application
            for application in Application.objects.filter(
                user=user,
                job_id__in=job_ids,
                status__in=[ApplicationStatus.IN_PROGRESS, ApplicationStatus.APPLIED],
            )
        }
        already_queued_filter = Q(state__in=ACTIVE_STATES)
        if run is not None:
            already_queued_filter |= Q(run=run)
        queued = dict(
            ApplicationTask.objects.filter(
                already_queued_filter, user=user, job_id__in=job_ids
            ).values_list("job_id", "run_id")
        )
        profile = Profile.objects.filter(user=user).first()
        needs_counts = profile is not None and profile.max_applications_per_company is not None
        company_counts = _company_counts(user, jobs) if needs_counts else {}

        accepted: list[JobPosting] = []
        for job in jobs:
            application = taken.get(job.pk)
            if application is not None and application.status == ApplicationStatus.APPLIED:
                result.warnings.append(
                    f"Skipped {_label(job)} — already applied on {_applied_on(application)}."
                )
                continue
            if application is not None:
                result.warnings.append(f"Skipped {_label(job)} — an application is in progress.")
                continue
            if job.pk in queued:
                where = (
                    "this run"
                    if run is not None and queued[job.pk] == run.pk
                    else f"run {queued[job.pk]}"
                )
                result.warnings.append(f"Skipped {_label(job)} — already queued in {where}.")
                continue
            reason = _preference_reason(job, profile, company_counts)
            if reason is not None:
                result.warnings.append(f"Skipped {_label(job)} — {reason}.")
                continue
            if job.company:
                company = _normalized(job.company)
                company_counts[company] = company_counts.get(company, 0) + 1
            accepted.append(job)

        if not accepted:
            return result
        if result.run is None:
            result.run = ApplicationRun.objects.create(user=user, name=run_name)
        now = timezone.now()
        result.tasks = ApplicationTask.objects.bulk_create(
            [
                ApplicationTask(
                    run=result.run,
                    job=job,
                    user=user,
                    queued_at=now,
                    state_changed_at=now,
                    celery_task_id=WAITING,
                )
                for job in accepted
            ]
        )
        _dispatch_on_commit(user.pk)
    logger.info(
        "ingested postings",
        extra={
            "run_id": result.run.pk,
            "received": len(job_urls),
            "queued": len(result.tasks),
            "skipped": len(result.warnings),
        },
    )
    return result


def run_create(*, user: AbstractBaseUser, job_urls: list[str], name: str = "") -> IngestResult:
    """Queue a new run for the postings at `job_urls`. Duplicates inside the list, postings
    already applied to or under way, and postings the user's preferences exclude are skipped,
    each with a warning. When nothing is left to queue, no run is created."""
    return _ingest(user=user, run=None, job_urls=job_urls, run_name=name)


def run_add_jobs(*, run: ApplicationRun, job_urls: list[str]) -> IngestResult:
    return _ingest(user=run.user, run=run, job_urls=job_urls, run_name=run.name)


def job_apply(*, user: AbstractBaseUser, job: JobPosting) -> ApplicationTask:
    """Apply to one posting now: a run of its own, unless it is applied to or under way, which is
    a DuplicateApplication (409) rather than a warning."""
    with transaction.atomic():
        _lock_ingestion_of(user)
        application, _ = Application.objects.get_or_create(user=user, job=job)
        _raise_if_taken(application)
        if ApplicationTask.objects.filter(user=user, job=job, state__in=ACTIVE_STATES).exists():
            raise DuplicateApplication(
                status="in_progress",
                application_id=application.pk,
                detail=f"An application to {_label(job)} is already queued.",
            )
        run = ApplicationRun.objects.create(user=user, name=f"Apply to {_label(job)}")
        task = ApplicationTask.objects.create(run=run, job=job, user=user, celery_task_id=WAITING)
        _dispatch_on_commit(user.pk)
        return task


# --- Applicants ----------------------------------------------------------------------------------


def applicant_create(
    *,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
) -> tuple[AbstractBaseUser, str]:
    """A user with a profile and an API token; returns the user and the token's key. Running it
    again for the same user name updates the user and keeps the token."""
    user_model = get_user_model()
    with transaction.atomic():
        user, _ = user_model.objects.get_or_create(username=username)
        user.email = email
        user.first_name = first_name
        user.last_name = last_name
        user.is_staff = is_staff
        user.is_superuser = is_staff
        user.set_password(password)
        user.save()
        Profile.objects.update_or_create(
            user=user,
            defaults={"first_name": first_name, "last_name": last_name, "email": email},
        )
        token, _ = Token.objects.get_or_create(user=user)
    return user, token.key


# --- The worker's side of a task -------------------------------------------------------------
#
# A prepare or submit message names a task and carries a message id. The row remembers the id
# of its one live message (`celery_task_id`); a message whose id is not the row's — superseded
# by a pause, a boost, a retry or a reconciliation — or that finds the row in another state is
# dropped, logged. Every step a worker takes re-reads the row first.

WORKER_ACTOR = "system:worker"
SWEEPER_ACTOR = "system:sweeper"


# An approved task on its way to the final click.
SUBMIT_STATES = (TaskState.APPROVED, TaskState.SUBMITTING)


class TaskLost(Exception):
    """The row changed under a running worker (cancelled, or taken over): stop quietly."""


class SubmitUnderWay(Exception):
    """A paused task's user still has the approved work it yielded to unsubmitted: the session
    slot is that submit's, and the task resumes once it is over."""

    def __init__(self, user_id: int) -> None:
        super().__init__(f"User {user_id} has a submit under way.")
        self.user_id = user_id


def _locked_task(task_id: int) -> ApplicationTask | None:
    return rows.get(ApplicationTask, task_id, lock=True)


def _give_up(task: ApplicationTask, *, reason: str, actor: str) -> None:
    with transaction.atomic():
        task_transition(task=task, transition="fail", actor=actor, reason=reason)
        application_release(task=task)
        transaction.on_commit(lambda: slots.slot_freed(task.user_id))


def _transition_while_mine(task: ApplicationTask, transition: str, **arguments: Any) -> None:
    """A worker's transition, made only while the row still carries the message id the worker
    was given (ConcurrentTransition otherwise)."""
    task_transition(
        task=task,
        transition=transition,
        actor=WORKER_ACTOR,
        guard={"celery_task_id": task.celery_task_id},
        **arguments,
    )


def _superseded(task: ApplicationTask | None, message_id: str) -> bool:
    return task is None or task.celery_task_id != message_id


def task_claim_message(
    *, task_id: int, message_id: str, after_submits: bool = True
) -> ApplicationTask | None:
    """Claim a prepare message's task: QUEUED → RUNNING, then the (user, posting) lock. The claim
    is one UPDATE conditional on the state and the message id as read, so of two deliveries of
    one message only one claims; a worker lost between claim and lock leaves the task RUNNING
    without the lock, and the redelivery (or the stale sweep) claims it again, lock included.
    A redelivery of the message to a task still RUNNING (its worker died) claims it again from
    its checkpoint, until TASK_MAX_ATTEMPTS; past that the task fails instead of looping.
    Returns None when the message is to be dropped.

    `after_submits`: a paused task whose user's approved tasks it yielded to (`yield_to` in its
    checkpoint, written by task_pause) are not all submitted raises SubmitUnderWay instead of
    taking the session slot those submits need; the caller waits and claims again."""
    # The row, and whether any task it yielded to is still on its way to the click: one read.
    # The tasks yielded to are looked up by id, one primary-key lookup each: a scan of the
    # state index would wade through the entries every task leaves behind on its way through
    # APPROVED and SUBMITTING.
    table = rows.quote(ApplicationTask._meta.db_table)
    found = rows.read(
        ApplicationTask,
        "SELECT task.*, EXISTS (SELECT FROM jsonb_array_elements_text("
        "COALESCE(task.checkpoint -> 'yield_to', '[]')) AS yielded_to (id) "
        f"WHERE (SELECT state FROM {table} WHERE id = yielded_to.id::bigint) = ANY(%s)) "
        f"AS submit_under_way FROM {table} task WHERE task.id = %s",
        [list(SUBMIT_STATES), task_id],
    )
    task = found[0] if found else None
    if _superseded(task, message_id):
        logger.info("dropped a superseded prepare message %s for task %s", message_id, task_id)
        return None
    if task.state == TaskState.RUNNING:
        return _claim_redelivered(task_id=task_id, message_id=message_id)
    if task.state != TaskState.QUEUED:
        logger.info("dropped a prepare message for task %s, now %s", task_id, task.state)
        return None
    if after_submits and task.submit_under_way:
        raise SubmitUnderWay(task.user_id)
    # The claim and the (user, posting) lock in one statement.
    lock = _application_lock(task)
    try:
        _transition_while_mine(task, "claim", along=lock)
    except ConcurrentTransition:
        logger.info(
            "dropped a prepare message %s for task %s: changed meanwhile", message_id, task_id
        )
        return None
    return _after_claim(task, lock)


def _claim_redelivered(*, task_id: int, message_id: str) -> ApplicationTask | None:
    limit = settings.TASK_MAX_ATTEMPTS
    with transaction.atomic():
        task = _locked_task(task_id)
        if _superseded(task, message_id) or task.state != TaskState.RUNNING:
            logger.info("dropped a redelivered prepare message %s for task %s", message_id, task_id)
            return None
        if task.attempts >= limit:
            _give_up(
                task,
                reason=f"Gave up after {task.attempts} attempts: its worker was lost.",
                actor=WORKER_ACTOR,
            )
            return None
        task_transition(
            task=task,
            transition="requeue",
            actor=WORKER_ACTOR,
            reason="redelivered: the worker running it was lost",
        )
        task_transition(task=task, transition="claim", actor=WORKER_ACTOR)
        return _after_claim(task)


def _after_claim(task: ApplicationTask, lock: rows.Upsert | None = None) -> ApplicationTask | None:
    """A task just claimed: failed past its attempt limit, else given its (user, posting)
    lock (or SKIPPED when someone else has it). `lock`: the lock's INSERT, when it was already
    made along with the claim."""
    limit = settings.TASK_MAX_ATTEMPTS
    if task.attempts > limit:
        _give_up(task, reason=f"Gave up after {limit} attempts.", actor=WORKER_ACTOR)
        return None
    if not _take_application_lock(task, lock):
        return None
    return task


def _application_lock(task: ApplicationTask) -> rows.Upsert:
    """The task's (user, posting) lock as one statement: an INSERT takes it when nobody has a
    row for the posting yet (the unique constraint lets one of any concurrent inserts through),
    and a conflicting row counts when it is this task's lock already, held since before a pause
    or redelivery."""
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


def _take_application_lock(task: ApplicationTask, lock: rows.Upsert | None = None) -> bool:
    """The task's (user, posting) lock: kept when the task already holds it (a paused or
    redelivered task), claimed otherwise. A posting applied to or held by another task makes
    the task SKIPPED. `lock`: the lock's INSERT, when it was already made."""
    if lock is None:
        lock = _application_lock(task)
        lock.execute()
    if lock.matched:
        return True
    try:
        with transaction.atomic():
            application_claim(user=task.user, job=task.job, task=task)
    except (DuplicateApplication, ConcurrentTransition) as error:
        detail = getattr(error, "detail", "another worker took the posting first")
        task_transition(task=task, transition="skip", actor=WORKER_ACTOR, reason=str(detail))
        return False
    return True


def _submits_of(user: str) -> str:
    """A SELECT of the ids of a user's tasks on their way to the click (SUBMIT_STATES, its one
    parameter): the approved work a pausing task yields to. `user`: an SQL expression."""
    table = rows.quote(ApplicationTask._meta.db_table)
    return (
        f"SELECT submit.id FROM {table} submit "
        f"WHERE submit.user_id = {user} AND submit.state = ANY(%s)"
    )


def task_step_noted(*, task: ApplicationTask, step: str, values: dict[str, Any]) -> None:
    """A finished step added to the task's checkpoint in memory only: the next write of the
    row (a step boundary, PENDING_APPROVAL, a pause, a failure) records it."""
    checkpoint = dict(task.checkpoint)
    checkpoint["steps_done"] = [*checkpoint.get("steps_done", []), step]
    checkpoint["values"] = {**checkpoint.get("values", {}), **values}
    task.checkpoint = checkpoint


def task_step_done(*, task: ApplicationTask, step: str, values: dict[str, Any]) -> list[int] | None:
    """Record a finished step, and any noted before it: checkpoint and heartbeat. Returns None,
    or, when the task has been asked to pause, the user's approved tasks it yields to (for
    task_pause). Raises TaskLost when the row is no longer this worker's."""
    task_step_noted(task=task, step=step, values=values)
    checkpoint = task.checkpoint
    now = timezone.now()
    table = rows.quote(ApplicationTask._meta.db_table)
    # The one statement of a step boundary (a step can take milliseconds): checkpoint and
    # heartbeat while the row is this worker's, and the pause request read back, with what
    # the pause needs.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} task SET checkpoint = %s, heartbeat_at = %s "
            "WHERE id = %s AND state = %s AND celery_task_id = %s "
            "RETURNING task.pause_requested_at IS NOT NULL, CASE WHEN "
            f"task.pause_requested_at IS NOT NULL THEN ARRAY({_submits_of('task.user_id')}) END",
            [
                ApplicationTask._meta.get_field("checkpoint").get_db_prep_save(
                    checkpoint, connection
                ),
                now,
                task.pk,
                TaskState.RUNNING,
                task.celery_task_id,
                list(SUBMIT_STATES),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        raise TaskLost(f"Task {task.pk} is no longer running under message {task.celery_task_id}.")
    pause_requested, yield_to = row
    task.heartbeat_at = now
    task.remember_stored({"checkpoint": checkpoint, "heartbeat_at": now})
    return yield_to if pause_requested else None


def task_pause_requested(*, task: ApplicationTask) -> bool:
    return ApplicationTask.objects.filter(pk=task.pk, pause_requested_at__isnull=False).exists()


def task_pause(*, task: ApplicationTask, yield_to: list[int] | None = None) -> ApplicationTask:
    """Yield the slot to approved work: RUNNING → QUEUED with priority 100, re-published under a
    new message id, keeping the checkpoint and the (user, posting) lock.

    `yield_to`: the user's approved tasks this task yields its session slot to (it resumes once
    they are submitted, task_claim_message), as task_step_done read them; looked up when not
    given."""
    if yield_to is None:
        with connection.cursor() as cursor:
            cursor.execute(_submits_of("%s"), [task.user_id, list(SUBMIT_STATES)])
            yield_to = [task_id for (task_id,) in cursor.fetchall()]
    task.checkpoint = {**task.checkpoint, "yield_to": yield_to}
    # Yielding is not a failed attempt: a task paused again and again still resumes.
    task.attempts = max(0, task.attempts - 1)
    try:
        _requeue_with(
            task,
            transition="requeue",
            actor=WORKER_ACTOR,
            reason="paused for approved work; resumes from its checkpoint",
            boost=True,
            guard={"celery_task_id": task.celery_task_id},
        )
    except ConcurrentTransition as error:
        raise TaskLost(f"Task {task.pk} is no longer running.") from error
    slots.slot_freed(task.user_id)
    return task


def task_prepared(*, task: ApplicationTask, approval: Model) -> ApplicationTask:
    """Every step done: RUNNING → PENDING_APPROVAL, while the row is still this worker's (its
    message id), and its approval request (built, not saved, by approvals.services) inserted in
    the same statement."""
    try:
        # The user's next waiting task gets the session back in the same statement.
        next_task = SessionDispatch(user_id=task.user_id, leaving=task.pk)
        _transition_while_mine(task, "prepared", along=[approval, next_task])
    except ConcurrentTransition as error:
        raise TaskLost(
            f"Task {task.pk} is no longer running under message {task.celery_task_id}."
        ) from error
    logger.info("approval requested", extra={"approval_id": approval.pk, "task_id": task.pk})
    transaction.on_commit(lambda: slots.slot_freed(task.user_id))
    return task


def task_fail(
    *, task: ApplicationTask, reason: str, actor: str = WORKER_ACTOR, release: bool = True
) -> ApplicationTask:
    """Fail the task. `release=False` keeps the (user, posting) lock: after an unknown submit
    outcome, nothing may apply to the posting again until a person has looked."""
    with transaction.atomic():
        current = _locked_task(task.pk)
        if current is None or current.is_final:
            return current or task
        if current.state == TaskState.RUNNING and current.celery_task_id == task.celery_task_id:
            # The steps this worker noted and had not written yet (task_step_noted).
            current.checkpoint = task.checkpoint
        submit_ends = current.state in SUBMIT_STATES
        task_transition(task=current, transition="fail", actor=actor, reason=reason)
        if release:
            application_release(task=current)
        if submit_ends:
            transaction.on_commit(lambda: slots.submit_ended(current.user_id))
        else:
            transaction.on_commit(lambda: slots.slot_freed(current.user_id))
    return current


def task_request_pause_for(*, task: ApplicationTask) -> list[ApplicationTask]:
    """Approved work needs a slot: ask running normal work to yield. The approved task's user
    has at most MAX_SESSIONS_PER_USER sessions, so their running tasks beyond that yield; and
    when more approved tasks wait than the reserve slots and the slots already being yielded,
    one more running task yields.
    Returns the tasks asked to pause (their message ids are what a revoke would target)."""
    # The running tasks, each carrying the number of approved tasks (this one included), in one
    # statement: this runs inside every approval.
    table = rows.quote(ApplicationTask._meta.db_table)
    everyone_running = rows.read(
        ApplicationTask,
        f"SELECT id, state, user_id, celery_task_id, priority, started_at, pause_requested_at, "
        f"(SELECT count(*) FROM {table} WHERE state = %s) AS approved "
        f"FROM {table} WHERE state = %s AND id <> %s ORDER BY priority, started_at DESC",
        [TaskState.APPROVED, TaskState.RUNNING, task.pk],
    )
    if not everyone_running:
        return []
    running = [other for other in everyone_running if other.pause_requested_at is None]
    yielding = len(everyone_running) - len(running)
    own = [other for other in running if other.user_id == task.user_id]
    chosen = own[: max(0, len(own) - settings.MAX_SESSIONS_PER_USER + 1)]
    waiting = everyone_running[0].approved
    # Tasks already asked to yield will free their slots: only a shortfall beyond those asks
    # for one more.
    if waiting > settings.RESERVE_SLOTS + yielding + len(chosen):
        others = [other for other in running if other not in chosen]
        chosen.extend(others[:1])
    _ask_to_pause([other.pk for other in chosen])
    return chosen


def _ask_to_pause(task_ids: list[int]) -> None:
    if not task_ids:
        return
    table = rows.quote(ApplicationTask._meta.db_table)
    # The rows are locked in id order: an approval and a submit of the same user may ask the
    # same tasks at once, and two statements that lock them in different orders deadlock.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET pause_requested_at = %s WHERE id IN (SELECT id FROM {table} "
            "WHERE id = ANY(%s) AND state = %s ORDER BY id FOR NO KEY UPDATE)",
            [timezone.now(), task_ids, TaskState.RUNNING],
        )


def session_slot_holders(*, task: ApplicationTask) -> list[ApplicationTask]:
    """Other running tasks of the task's user that hold the session slot it needs; those not
    yet asked to pause are asked now (one may have been claimed after the approval)."""
    running = rows.read(
        ApplicationTask,
        f"SELECT id, state, celery_task_id, pause_requested_at "
        f"FROM {rows.quote(ApplicationTask._meta.db_table)} "
        "WHERE user_id = %s AND state = %s AND id <> %s",
        [task.user_id, TaskState.RUNNING, task.pk],
    )
    if len(running) < settings.MAX_SESSIONS_PER_USER:
        return []
    _ask_to_pause([other.pk for other in running if other.pause_requested_at is None])
    return running


@dataclass(frozen=True)
class SubmitClaim:
    """A submit message's task, checked against its row. `started`: this claim recorded
    SUBMITTING, so nothing can have been clicked yet. A task still APPROVED waits for its
    user's session slot; one SUBMITTING and not `started` may have been clicked already."""

    task: ApplicationTask
    started: bool


def task_claim_submit(*, task_id: int, message_id: str) -> SubmitClaim | None:
    """Check a submit message against its row: the task APPROVED (a first submit) or SUBMITTING
    (a redelivery, or a stale submit re-published by the sweep) under this message id. An
    approved task whose user's session slot is free goes to SUBMITTING at once, by an UPDATE
    conditional on the state and message id as read: of two deliveries of one message only
    one starts, and the other is dropped. A task redelivered past TASK_MAX_ATTEMPTS fails."""
    # The row, and how many other tasks of the user run: one read.
    table = rows.quote(ApplicationTask._meta.db_table)
    found = rows.read(
        ApplicationTask,
        f"SELECT task.*, (SELECT count(*) FROM {table} other WHERE other.user_id = task.user_id "
        "AND other.state = %s AND other.id <> task.id) AS running_for_user "
        f"FROM {table} task WHERE task.id = %s",
        [TaskState.RUNNING, task_id],
    )
    task = found[0] if found else None
    if task is None or task.celery_task_id != message_id:
        logger.info("dropped a superseded submit message %s for task %s", message_id, task_id)
        return None
    if task.state == TaskState.APPROVED:
        busy = task.running_for_user >= settings.MAX_SESSIONS_PER_USER
        if busy and session_slot_holders(task=task):
            return SubmitClaim(task=task, started=False)
        try:
            _start_submit(task)
        except ConcurrentTransition:
            logger.info(
                "dropped a submit message %s for task %s: changed meanwhile", message_id, task_id
            )
            return None
        return SubmitClaim(task=task, started=True)
    if task.state != TaskState.SUBMITTING:
        logger.info("dropped a submit message for task %s, now %s", task_id, task.state)
        return None
    return _claim_submit_again(task_id=task_id, message_id=message_id)


def _claim_submit_again(*, task_id: int, message_id: str) -> SubmitClaim | None:
    """A submit message for a task already SUBMITTING: counted as another attempt."""
    with transaction.atomic():
        task = _locked_task(task_id)
        if task is None or task.celery_task_id != message_id or task.state != TaskState.SUBMITTING:
            logger.info("dropped a submit message %s for task %s", message_id, task_id)
            return None
        attempts = task.checkpoint.get("submit_attempts", 0) + 1
        if attempts > settings.TASK_MAX_ATTEMPTS:
            task_transition(
                task=task,
                transition="fail",
                actor=WORKER_ACTOR,
                reason=f"Gave up submitting after {attempts - 1} attempts.",
            )
            return None
        task.checkpoint = {**task.checkpoint, "submit_attempts": attempts}
        ApplicationTask.objects.filter(pk=task.pk).update(
            checkpoint=task.checkpoint, heartbeat_at=timezone.now()
        )
    return SubmitClaim(task=task, started=False)


def _start_submit(task: ApplicationTask) -> None:
    """APPROVED → SUBMITTING while the row is still this message's."""
    task.checkpoint = {**task.checkpoint, "submit_attempts": 1}
    _transition_while_mine(task, "start_submit")


def task_start_submit(*, task: ApplicationTask) -> ApplicationTask:
    """APPROVED → SUBMITTING, recorded (committed) before the final click."""
    try:
        _start_submit(task)
    except ConcurrentTransition as error:
        raise TaskLost(f"Task {task.pk} is no longer approved.") from error
    return task


def task_submitted(*, task: ApplicationTask) -> ApplicationTask:
    """SUBMITTING → SUBMITTED, and the (user, posting) record becomes APPLIED: usually the task
    holds its lock, and both are one statement."""
    held = Application(
        user_id=task.user_id,
        job_id=task.job_id,
        status=ApplicationStatus.IN_PROGRESS,
        claimed_by_task_id=task.pk,
    )
    # A stand-in for the row the task holds: only what mark_applied changes is written.
    held.remember_all_stored()
    held.mark_applied()
    applied = rows.ConditionalUpdate(
        held,
        where={
            "user": task.user_id,
            "job": task.job_id,
            "status": ApplicationStatus.IN_PROGRESS,
            "claimed_by_task": task.pk,
        },
    )
    try:
        task_transition(task=task, transition="mark_submitted", actor=WORKER_ACTOR, along=applied)
    except ConcurrentTransition as error:
        raise TaskLost(f"Task {task.pk} is no longer submitting.") from error
    # A paused task of the user waits for this submit to end (task_claim_message).
    slots.submit_ended(task.user_id)
    if not applied.matched:
        _application_mark_applied(task)
    return task


def _application_mark_applied(task: ApplicationTask) -> None:
    """The (user, posting) record of a submitted task that did not hold its lock (released by
    hand, say) becomes APPLIED all the same."""
    with transaction.atomic():
        application, _ = Application.objects.select_for_update().get_or_create(
            user_id=task.user_id, job_id=task.job_id
        )
        if application.status == ApplicationStatus.PENDING:
            application.claim(task=task)
        if application.status == ApplicationStatus.IN_PROGRESS:
            application_mark_applied(application=application)


# --- Sweeps (idempotent; safe with two beat processes: rows are locked with SKIP LOCKED) ------


def _stale_before() -> Any:
    return timezone.now() - timedelta(seconds=settings.STALE_TASK_SECONDS)


def tasks_recover_stale(*, limit: int = 500) -> dict[str, int]:
    """RUNNING tasks whose heartbeat stopped go back to QUEUED from their checkpoint (their
    lock released for re-claiming); stale SUBMITTING tasks get a submit message that first asks
    the site whether the application exists (never a blind second click)."""
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
                if task.attempts >= settings.TASK_MAX_ATTEMPTS:
                    task_transition(
                        task=task,
                        transition="fail",
                        actor=SWEEPER_ACTOR,
                        reason=f"Stale after {task.attempts} attempts.",
                    )
                    application_release(task=task)
                    counts["failed"] += 1
                    continue
                application_release(task=task)
                _requeue_with(
                    task,
                    transition="requeue",
                    actor=SWEEPER_ACTOR,
                    reason="stale: no heartbeat; resumes from its checkpoint",
                )
                counts["requeued"] += 1
            elif task.state == TaskState.SUBMITTING:
                task.celery_task_id = dispatch.new_message_id()
                ApplicationTask.objects.filter(pk=task.pk).update(
                    celery_task_id=task.celery_task_id, heartbeat_at=timezone.now()
                )
                dispatch.publish_submit(task.pk, task.celery_task_id)
                counts["resubmit_checks"] += 1
    return counts


def tasks_reconcile_queued(*, broker_message_ids: set[str], limit: int = 1000) -> int:
    """Tasks QUEUED (or APPROVED) longer than RECONCILE_AFTER_SECONDS whose message the broker
    does not hold are published again: the broker may lose messages, the database may not.
    Users whose tasks wait that long with no session in use get their next ones published."""
    before = timezone.now() - timedelta(seconds=settings.RECONCILE_AFTER_SECONDS)
    approved = 0
    with transaction.atomic():
        for task in ApplicationTask.objects.select_for_update(skip_locked=True).filter(
            state=TaskState.APPROVED, state_changed_at__lt=before
        )[:limit]:
            if task.celery_task_id in broker_message_ids:
                continue
            task.celery_task_id = dispatch.new_message_id()
            ApplicationTask.objects.filter(pk=task.pk).update(celery_task_id=task.celery_task_id)
            dispatch.publish_submit(task.pk, task.celery_task_id)
            approved += 1
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
            if task.celery_task_id in broker_message_ids:
                continue
            message_id = dispatch.new_message_id()
            ApplicationTask.objects.filter(pk=task.pk).update(celery_task_id=message_id)
            republished.append((task.pk, message_id, task.priority))
        dispatch.publish_prepare(republished)
    dispatched = sum(
        tasks_dispatch_waiting(user_id=user_id) for user_id in _users_left_waiting(before, limit)
    )
    if republished or approved or dispatched:
        logger.warning(
            "re-published %d queued and %d approved task(s) missing from the broker; "
            "published %d task(s) left waiting for a free session",
            len(republished),
            approved,
            dispatched,
        )
    return len(republished) + approved + dispatched


def _users_left_waiting(before: Any, limit: int) -> list[int]:
    """Users with tasks waiting since before `before` and no session in use: their dispatch was
    lost (a publish that failed, a worker gone between its task's end and the dispatch)."""
    holding = ApplicationTask.objects.filter(HOLDS_SESSION, user_id=OuterRef("user_id"))
    return list(
        ApplicationTask.objects.filter(WAITS_FOR_SESSION, queued_at__lt=before)
        .filter(~Exists(holding))
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()[:limit]
    )


def tasks_prepare_messages(*, task_ids: list[int]) -> list[tuple[int, str, int]]:
    """The prepare messages of the still-QUEUED tasks among `task_ids` (for a fan-out publish)."""
    return list(
        ApplicationTask.objects.filter(pk__in=task_ids, state=TaskState.QUEUED)
        .exclude(celery_task_id=WAITING)
        .values_list("pk", "celery_task_id", "priority")
    )
