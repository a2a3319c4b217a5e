"""The postings a user's preferences exclude: blocked companies, title keywords, a limit of
applications per company. Ingestion screens each link with them, and the submit checks them
again right before the final click (applications.services.rechecks), with the company and title
the page gave: one set of rules, one normalisation of names."""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from applications.models import ACTIVE_STATES, ApplicationStatus, Profile
from jobs.models import JobPosting

# Words at the end of a company name that say only what kind of company it is: "Acme, Inc.",
# "ACME inc" and "acme" are one company.
LEGAL_SUFFIXES = frozenset(
    {
        "ab",
        "ag",
        "bv",
        "co",
        "corp",
        "corporation",
        "gmbh",
        "inc",
        "incorporated",
        "limited",
        "llc",
        "llp",
        "lp",
        "ltd",
        "plc",
        "pty",
        "sa",
        "sarl",
        "srl",
    }
)
# Dots and apostrophes join what they separate ("L.L.C." is "llc"); any other character that is
# not a letter or digit separates words.
_JOINERS = re.compile("[.'\u2019]")
_SEPARATORS = re.compile(r"[\W_]+")


def _words(text: str) -> list[str]:
    return [word for word in _SEPARATORS.split(_JOINERS.sub("", text.casefold())) if word]


def normalized_company(name: str) -> str:
    """A company name as compared: case, punctuation and spaces left out, and legal suffixes at
    its end (Inc, LLC, Ltd, GmbH, Corp, Co, ...), unless nothing else is left."""
    words = _words(name)
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return "".join(words)


def normalized_title(title: str) -> str:
    """A posting's title as compared: case and punctuation left out, words kept in order.
    Nothing else is dropped: "Senior Backend Engineer" and "Backend Engineer" are two jobs."""
    return " ".join(_words(title))


def excluded_because(
    profile: Profile | None, *, company: str, title: str, company_counts: dict[str, int]
) -> str | None:
    """Why the profile excludes a posting of `company` titled `title` (for the warning or the
    task's reason), or None. `company_counts`: the user's other postings per normalized company
    (company_counts)."""
    if profile is None:
        return None
    limit = profile.max_applications_per_company
    # Names are normalized only for a rule that compares them: an ingestion screens each of up
    # to 10,000 links with this.
    key = normalized_company(company) if profile.company_blocklist or limit is not None else ""
    if key and key in {normalized_company(name) for name in profile.company_blocklist}:
        return "the company is on your blocklist"
    if profile.avoid_title_keywords:
        folded = title.casefold()
        for keyword in profile.avoid_title_keywords:
            if keyword and keyword.casefold() in folded:
                return f"the title contains “{keyword}”"
    if limit is not None and key and company_counts.get(key, 0) >= limit:
        return f"you apply to at most {limit} posting(s) per company"
    return None


def counts_by_company(found: QuerySet[JobPosting]) -> dict[str, int]:
    """How many of these postings there are per normalized company name: one row per company
    name as stored, normalized here."""
    counts: dict[str, int] = {}
    for row in found.values("company").annotate(postings=Count("id", distinct=True)):
        key = normalized_company(row["company"])
        if key:
            counts[key] = counts.get(key, 0) + row["postings"]
    return counts


def company_counts(user: AbstractBaseUser) -> dict[str, int]:
    """How many postings of each company the user applied to or has under way, by normalized
    company name, whatever its spelling."""
    return counts_by_company(
        JobPosting.objects.exclude(company="").filter(
            Q(
                applications__user=user,
                applications__status__in=[
                    ApplicationStatus.IN_PROGRESS,
                    ApplicationStatus.APPLIED,
                ],
            )
            | Q(tasks__user=user, tasks__state__in=ACTIVE_STATES)
        )
    )
