"""Writes of the applications domain: ingestion, the per-user duplicate lock, and every change of
a task's state."""

import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_fsm import ConcurrentTransition
from rest_framework.authtoken.models import Token

from applications.exceptions import DuplicateApplication, InvalidJobUrls, TaskActionNotAllowed
from applications.models import (
    ACTIVE_STATES,
    Application,
    ApplicationRun,
    ApplicationStatus,
    ApplicationTask,
    Profile,
    TaskEvent,
    TaskPriority,
    TaskState,
)
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


# --- Task state ---------------------------------------------------------------------------------


def task_transition(
    *,
    task: ApplicationTask,
    transition: str,
    actor: str = "system",
    reason: str = "",
    **arguments: Any,
) -> ApplicationTask:
    """The one way a task changes state: the django-fsm transition, a time stamp and one event
    row, in one transaction. Raises TransitionNotAllowed when the state does not allow it and
    ConcurrentTransition when another writer changed the row since it was loaded."""
    if transition not in TASK_TRANSITIONS:
        raise ValueError(f"Unknown task transition {transition!r}.")
    from_state = task.state
    with transaction.atomic():
        getattr(task, transition)(**arguments)
        task.state_changed_at = timezone.now()
        if transition == "fail" and reason:
            task.last_error = reason
        task.save()
        TaskEvent.objects.create(
            task=task,
            from_state=from_state,
            to_state=task.state,
            transition=transition,
            actor=actor,
            reason=reason,
        )
    logger.info(
        "task state changed",
        extra={"task_id": task.pk, "from": from_state, "to": task.state, "actor": actor},
    )
    return task


def task_cancel(*, task: ApplicationTask, actor: str, reason: str = "") -> ApplicationTask:
    with transaction.atomic():
        task_transition(task=task, transition="cancel", actor=actor, reason=reason)
        application_release(task=task)
    return task


def task_retry(*, task: ApplicationTask, actor: str) -> ApplicationTask:
    return task_transition(task=task, transition="retry", actor=actor, reason="retried by user")


def task_resume(*, task: ApplicationTask, actor: str) -> ApplicationTask:
    return task_transition(task=task, transition="resume", actor=actor, reason="resumed by user")


def task_boost(*, task: ApplicationTask, actor: str) -> ApplicationTask:
    """Move a queued task ahead of normal work. Not a change of state, but written down as one
    event all the same, so that the task's history says why it jumped the line."""
    with transaction.atomic():
        # A conditional UPDATE: a task claimed meanwhile is not boosted behind the worker's back.
        boosted = ApplicationTask.objects.filter(pk=task.pk, state=TaskState.QUEUED).update(
            priority=TaskPriority.BOOSTED
        )
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
    return ApplicationTask.objects.select_related("job").get(pk=task.pk)


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
                    run=result.run, job=job, user=user, queued_at=now, state_changed_at=now
                )
                for job in accepted
            ]
        )
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
        return ApplicationTask.objects.create(run=run, job=job, user=user)


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
