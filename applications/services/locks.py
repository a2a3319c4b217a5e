"""The per-user duplicate lock: one Application row per (user, posting), PENDING → IN_PROGRESS
→ APPLIED (DESIGN.md, "Duplicate protection", point 2)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_fsm import ConcurrentTransition

from applications.exceptions import DuplicateApplication
from applications.models import Application, ApplicationStatus, ApplicationTask
from core import rows
from jobs.models import JobPosting


def job_label(job: JobPosting) -> str:
    return job.company or job.title or job.url


def applied_on(application: Application) -> str:
    if application.last_applied_at is None:
        return "an earlier date"
    return application.last_applied_at.date().isoformat()


def raise_if_taken(application: Application) -> None:
    """DuplicateApplication when the posting is applied to or under way."""
    label = job_label(application.job)
    if application.status == ApplicationStatus.APPLIED:
        raise DuplicateApplication(
            status="applied",
            application_id=application.pk,
            detail=f"Already applied to {label} on {applied_on(application)}.",
        )
    if application.status == ApplicationStatus.IN_PROGRESS:
        raise DuplicateApplication(
            status="in_progress",
            application_id=application.pk,
            detail=f"An application to {label} is in progress.",
        )


def _write(application: Application, transition: str, **arguments: object) -> None:
    """The application's django-fsm transition, written as one UPDATE conditional on the status
    it was read with (core.rows says how the FSM stays in charge)."""
    from_status = application.status
    getattr(application, transition)(**arguments)
    if not rows.update_if(application, where={"id": application.pk, "status": from_status}):
        raise ConcurrentTransition(f"Application {application.pk} is no longer {from_status}.")


def application_claim(
    *, user: AbstractBaseUser, job: JobPosting, task: ApplicationTask | None = None
) -> Application:
    """Take the (user, posting) lock: PENDING → IN_PROGRESS as a compare-and-set. Of any number
    of concurrent claimers exactly one wins; the others get DuplicateApplication."""
    application, _ = Application.objects.get_or_create(user=user, job=job)
    raise_if_taken(application)
    try:
        _write(application, "claim", task=task)
    except ConcurrentTransition:
        # Another claimer's UPDATE matched first; ours found the row no longer PENDING.
        raise_if_taken(Application.objects.select_related("job").get(pk=application.pk))
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
    _write(application, "release")
    return application


def application_mark_applied(*, application: Application) -> Application:
    _write(application, "mark_applied")
    return application


def application_mark_applied_for(*, task: ApplicationTask) -> None:
    """The (user, posting) record of a submitted task that did not hold its lock (released by
    hand, say) becomes APPLIED all the same."""
    with transaction.atomic():
        application, _ = Application.objects.select_for_update().get_or_create(
            user_id=task.user_id, job_id=task.job_id
        )
        if application.status == ApplicationStatus.PENDING:
            _write(application, "claim", task=task)
        if application.status == ApplicationStatus.IN_PROGRESS:
            application_mark_applied(application=application)


def application_held_by(task: ApplicationTask) -> rows.ConditionalUpdate:
    """The APPLIED write of the lock the task holds, to make along with SUBMITTED: a stand-in
    for the row, of which only what mark_applied changes is written, and only while the task
    holds it."""
    held = Application(
        user_id=task.user_id,
        job_id=task.job_id,
        status=ApplicationStatus.IN_PROGRESS,
        claimed_by_task_id=task.pk,
    )
    held.remember_all_stored()
    held.mark_applied()
    return rows.ConditionalUpdate(
        held,
        where={
            "user": task.user_id,
            "job": task.job_id,
            "status": ApplicationStatus.IN_PROGRESS,
            "claimed_by_task": task.pk,
        },
    )
