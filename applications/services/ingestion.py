"""Ingestion: links in, tasks queued. Duplicates inside the list, postings already applied to or
under way, and postings the user's preferences exclude are skipped, each with a warning
(DESIGN.md, "Duplicate protection", point 3). Queued tasks wait for their user's session; the
hand-out publishes the first on commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from applications import statements
from applications.exceptions import DuplicateApplication, InvalidJobUrls
from applications.models import (
    ACTIVE_STATES,
    WAITING,
    Application,
    ApplicationRun,
    ApplicationStatus,
    ApplicationTask,
    Profile,
)
from applications.services import preferences
from applications.services.locks import applied_on, job_label, raise_if_taken
from applications.services.sessions import hand_out_on_commit
from jobs.canonical import CanonicalUrl, InvalidJobUrl, canonicalize_url
from jobs.models import JobPosting
from jobs.services import job_postings_upsert

logger = logging.getLogger(__name__)


@dataclass
class IngestResult:
    run: ApplicationRun | None
    tasks: list[ApplicationTask] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def run_create(*, user: AbstractBaseUser, job_urls: list[str], name: str = "") -> IngestResult:
    """Queue a new run for the postings at `job_urls`. When nothing is left to queue, no run is
    created."""
    return _ingest(user=user, run=None, job_urls=job_urls, run_name=name)


def run_add_jobs(*, run: ApplicationRun, job_urls: list[str]) -> IngestResult:
    return _ingest(user=run.user, run=run, job_urls=job_urls, run_name=run.name)


def job_apply(*, user: AbstractBaseUser, job: JobPosting) -> ApplicationTask:
    """Apply to one posting now: a run of its own, unless it is applied to or under way, which is
    a DuplicateApplication (409) rather than a warning."""
    with transaction.atomic():
        statements.lock_ingestions_of(user.pk)
        application, _ = Application.objects.get_or_create(user=user, job=job)
        raise_if_taken(application)
        if ApplicationTask.objects.filter(user=user, job=job, state__in=ACTIVE_STATES).exists():
            raise DuplicateApplication(
                status="in_progress",
                application_id=application.pk,
                detail=f"An application to {job_label(job)} is already queued.",
            )
        name = f"Apply to {job_label(job)}"[: ApplicationRun._meta.get_field("name").max_length]
        run = ApplicationRun.objects.create(user=user, name=name)
        task = ApplicationTask.objects.create(run=run, job=job, user=user, celery_task_id=WAITING)
        hand_out_on_commit(user.pk)
        return task


def _ingest(
    *, user: AbstractBaseUser, run: ApplicationRun | None, job_urls: list[str], run_name: str
) -> IngestResult:
    result = IngestResult(run=run)
    unique = _unique_postings(job_urls, result.warnings)
    with transaction.atomic():
        # One ingestion per user at a time: two identical requests sent together would
        # otherwise both find the postings free and both queue them.
        statements.lock_ingestions_of(user.pk)
        jobs_by_key = job_postings_upsert(postings=unique)
        jobs = [jobs_by_key[posting.key] for posting in unique]
        accepted = _screen(user=user, run=run, jobs=jobs, warnings=result.warnings)
        if not accepted:
            return result
        _queue(user=user, result=result, jobs=accepted, run_name=run_name)
    logger.info(
        "ingested %d link(s) into run %s: %d queued",
        len(job_urls),
        result.run.pk,
        len(result.tasks),
        extra={
            "run_id": result.run.pk,
            "received": len(job_urls),
            "queued": len(result.tasks),
            "skipped": len(result.warnings),
        },
    )
    return result


def _unique_postings(job_urls: list[str], warnings: list[str]) -> list[CanonicalUrl]:
    """The links' canonical postings, each once: a repeat gets a warning. Raises
    InvalidJobUrls at the first link that is not one."""
    first_position: dict[str, int] = {}
    unique: list[CanonicalUrl] = []
    for position, raw in enumerate(job_urls):
        try:
            posting = canonicalize_url(raw)
        except InvalidJobUrl as error:
            raise InvalidJobUrls(f"job_urls[{position}]: {error}") from error
        if posting.key in first_position:
            earlier = first_position[posting.key]
            warnings.append(f"Skipped {posting.url} — the same posting as job_urls[{earlier}].")
            continue
        first_position[posting.key] = position
        unique.append(posting)
    return unique


def _screen(
    *,
    user: AbstractBaseUser,
    run: ApplicationRun | None,
    jobs: list[JobPosting],
    warnings: list[str],
) -> list[JobPosting]:
    """The postings to queue: not applied to or in progress, not queued already, not excluded
    by the user's preferences. Each one left out gets a warning."""
    job_ids = [job.pk for job in jobs]
    taken = {
        application.job_id: application
        for application in Application.objects.filter(
            user=user,
            job_id__in=job_ids,
            status__in=[ApplicationStatus.IN_PROGRESS, ApplicationStatus.APPLIED],
        )
    }
    in_this_run = Q(run=run) if run is not None else Q(pk__in=[])
    queued = dict(
        ApplicationTask.objects.filter(
            Q(state__in=ACTIVE_STATES) | in_this_run, user=user, job_id__in=job_ids
        ).values_list("job_id", "run_id")
    )
    profile = Profile.objects.filter(user=user).first()
    needs_counts = profile is not None and profile.max_applications_per_company is not None
    counts = preferences.company_counts(user) if needs_counts else {}

    accepted: list[JobPosting] = []
    for job in jobs:
        reason = _taken_or_queued(job, taken.get(job.pk), queued.get(job.pk), run)
        if reason is None:
            reason = preferences.excluded_because(
                profile, company=job.company, title=job.title, company_counts=counts
            )
        if reason is not None:
            warnings.append(f"Skipped {job_label(job)} — {reason}.")
            continue
        if needs_counts and job.company:
            company = preferences.normalized_company(job.company)
            counts[company] = counts.get(company, 0) + 1
        accepted.append(job)
    return accepted


def _taken_or_queued(
    job: JobPosting,
    application: Application | None,
    queued_in_run: int | None,
    run: ApplicationRun | None,
) -> str | None:
    if application is not None and application.status == ApplicationStatus.APPLIED:
        return f"already applied on {applied_on(application)}"
    if application is not None:
        return "an application is in progress"
    if queued_in_run is not None:
        where = (
            "this run" if run is not None and queued_in_run == run.pk else f"run {queued_in_run}"
        )
        return f"already queued in {where}"
    return None


def _queue(
    *, user: AbstractBaseUser, result: IngestResult, jobs: list[JobPosting], run_name: str
) -> None:
    """The tasks of the accepted postings, in the run (made now when there is none yet), all
    waiting for the user's session; its hand-out runs on commit."""
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
            for job in jobs
        ]
    )
    hand_out_on_commit(user.pk)
