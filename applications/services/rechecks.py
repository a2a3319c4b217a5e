"""The profile's rules, checked again right before the final click: a company blocked, a title
keyword avoided or the limit of applications per company reached since the posting was
queued, prepared or approved stops the submit before anything is clicked. The company and title
are what the page said (`checkpoint["posting"]`) when the driver read them, else the posting's.

At the click, the limit per company counts the postings of that company the user has applied to
and the submits of theirs under way that started first: postings merely queued or prepared do
not count, since they will meet this same check at their own click."""

from __future__ import annotations

from django.db.models import Q

from applications.models import ApplicationStatus, ApplicationTask, Profile, TaskState
from applications.services import preferences
from applications.services.site_answers import task_end_unsubmitted
from jobs.models import JobPosting

SKIPPED_BEFORE_CLICK = "Skipped before the final click: {why} ({label})."
PROFILE_RULES = ("company_blocklist", "avoid_title_keywords", "max_applications_per_company")


def posting_as_shown(task: ApplicationTask) -> tuple[str, str, str]:
    """(company, title, url) of the task's posting: the company and title the page gave when the
    driver read them, else the posting's own."""
    if hasattr(task, "job_url"):
        # Read with the task's claim (applications.statements, _POSTING_COLUMNS).
        job = {"company": task.job_company, "title": task.job_title, "url": task.job_url}
    else:
        job = JobPosting.objects.filter(pk=task.job_id).values("company", "title", "url").first()
    shown = task.checkpoint.get("posting") if isinstance(task.checkpoint, dict) else None
    shown = shown if isinstance(shown, dict) else {}
    company = shown.get("company") if isinstance(shown.get("company"), str) else None
    title = shown.get("title") if isinstance(shown.get("title"), str) else None
    return (company or job["company"], title or job["title"], job["url"])


def task_recheck_before_click(*, task: ApplicationTask) -> str | None:
    """SUBMITTING, no click made: SKIPPED with the reason (its lock given back, its approval
    left as decided) when the posting no longer passes the profile's rules; returns that reason,
    or None when the click may go on. A user without rules pays one read. Raises TaskLost when
    the row is no longer the worker's."""
    profile = Profile.objects.filter(user_id=task.user_id).only(*PROFILE_RULES).first()
    if profile is None or not (
        profile.company_blocklist
        or profile.avoid_title_keywords
        or profile.max_applications_per_company is not None
    ):
        return None
    company, title, _ = posting_as_shown(task)
    counts = {}
    if profile.max_applications_per_company is not None:
        counts = _applied_or_submitting_first(task)
    why = preferences.excluded_because(profile, company=company, title=title, company_counts=counts)
    if why is None:
        return None
    reason = SKIPPED_BEFORE_CLICK.format(why=why, label=" — ".join(filter(None, [company, title])))
    task_end_unsubmitted(task=task, transition="skip", reason=reason)
    return reason


def _applied_or_submitting_first(task: ApplicationTask) -> dict[str, int]:
    """The user's other postings per normalized company: applied to, or being submitted by a
    task that started submitting before this one."""
    return preferences.counts_by_company(
        JobPosting.objects.exclude(pk=task.job_id).filter(
            Q(applications__user_id=task.user_id, applications__status=ApplicationStatus.APPLIED)
            | Q(
                tasks__user_id=task.user_id,
                tasks__state=TaskState.SUBMITTING,
                tasks__state_changed_at__lt=task.state_changed_at,
            )
        )
    )
