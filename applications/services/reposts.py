"""Reposts: a posting whose company and title (normalized: applications.services.preferences)
are those of one the user applied to under another link within REPOST_WINDOW_DAYS. When it is
prepared, a warning goes into `checkpoint["warnings"]`: the review page shows it, and no
auto-approve rule approves a request whose task carries warnings (approvals.services.rules), so
a person decides whether to apply again.

Titles are compared word for word, case and punctuation aside; seniority and other words are
kept ("Senior Backend Engineer" is not a repost of "Backend Engineer")."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from applications import statements
from applications.models import ApplicationTask
from applications.services.preferences import normalized_company, normalized_title
from applications.services.rechecks import posting_as_shown

REPOST_WARNING = (
    "Looks like a repost of {company} — {title}, applied to on {date} under {url}; approve only "
    "if you mean to apply again."
)


def task_note_repost(*, task: ApplicationTask) -> str | None:
    """When the task's posting is a repost, append the warning to its checkpoint's `warnings`
    (in memory: written with PENDING_APPROVAL) and return it; else None. One read, none for a
    user who submitted nothing within the window (`submitted_lately`, read with the claim)."""
    if not getattr(task, "submitted_lately", True):
        return None
    company, title, _ = posting_as_shown(task)
    company_key, title_key = normalized_company(company), normalized_title(title)
    if not company_key or not title_key:
        return None
    since = timezone.now() - timedelta(days=settings.REPOST_WINDOW_DAYS)
    candidates = statements.read_recent_submissions_like(
        user_id=task.user_id,
        other_than_job=task.job_id,
        since=since,
        title_key=statements.ascii_key(title),
        company_prefix=statements.ascii_key(company_key),
    )
    for earlier_company, earlier_title, url, finished_at in candidates:
        if (
            normalized_company(earlier_company) == company_key
            and normalized_title(earlier_title) == title_key
        ):
            warning = REPOST_WARNING.format(
                company=earlier_company,
                title=earlier_title,
                date=timezone.localdate(finished_at).isoformat(),
                url=url,
            )
            warnings = task.checkpoint.get("warnings")
            warnings = list(warnings) if isinstance(warnings, list) else []
            if warning not in warnings:
                task.checkpoint = {**task.checkpoint, "warnings": [*warnings, warning]}
            return warning
    return None
