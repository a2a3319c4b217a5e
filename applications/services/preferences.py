"""The postings a user's preferences exclude: blocked companies, title keywords, a limit of
applications per company."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q

from applications.models import ACTIVE_STATES, ApplicationStatus, Profile
from jobs.models import JobPosting


def normalized(text: str) -> str:
    """A company name as compared: case and punctuation left out."""
    return "".join(character for character in text.casefold() if character.isalnum())


def excluded_because(
    job: JobPosting, profile: Profile | None, company_counts: dict[str, int]
) -> str | None:
    """Why the profile excludes the posting (for the warning), or None. `company_counts`: the
    user's postings per normalized company so far (company_counts)."""
    if profile is None:
        return None
    company = normalized(job.company)
    if company and company in {normalized(name) for name in profile.company_blocklist}:
        return "the company is on your blocklist"
    title = job.title.casefold()
    for keyword in profile.avoid_title_keywords:
        if keyword and keyword.casefold() in title:
            return f"the title contains “{keyword}”"
    limit = profile.max_applications_per_company
    if limit is not None and company and company_counts.get(company, 0) >= limit:
        return f"you apply to at most {limit} posting(s) per company"
    return None


def company_counts(user: AbstractBaseUser, jobs: list[JobPosting]) -> dict[str, int]:
    """How many postings of each of these companies the user applied to or has under way, by
    normalized company name."""
    companies = {job.company for job in jobs if job.company}
    found = (
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
    for row in found:
        key = normalized(row["company"])
        counts[key] = counts.get(key, 0) + row["postings"]
    return counts
