from collections.abc import Iterable

from jobs.canonical import MAX_NAME_LENGTH, MAX_TITLE_LENGTH, CanonicalUrl, canonicalize_url
from jobs.models import JobPosting


def _fill_blanks(job: JobPosting, posting: CanonicalUrl) -> None:
    """Give a stored posting the company and title its link tells, where it has none yet.

    Conditional on the column still being blank, so a name stored meanwhile (the posting's page
    read by a worker) is never overwritten."""
    for field in ("company", "title"):
        value = getattr(posting, field)
        if value and not getattr(job, field):
            updated = JobPosting.objects.filter(pk=job.pk, **{field: ""}).update(**{field: value})
            if updated:
                setattr(job, field, value)


def job_postings_upsert(*, postings: Iterable[CanonicalUrl]) -> dict[str, JobPosting]:
    """Store the postings not stored yet and return every one of them by canonical key, in two
    queries whatever the number of postings (and one more per stored posting whose company or
    title is still blank while its link tells one)."""
    postings = list(postings)
    JobPosting.objects.bulk_create(
        [
            JobPosting(
                canonical_key=posting.key,
                url=posting.url,
                ats=posting.ats,
                external_id=posting.external_id,
                # Until the posting's page is read, the ATS board, or the host, and the link's
                # last segment are the best names we have.
                company=posting.company,
                title=posting.title,
            )
            for posting in postings
        ],
        ignore_conflicts=True,
    )
    stored = JobPosting.objects.filter(canonical_key__in=[posting.key for posting in postings])
    jobs = {job.canonical_key: job for job in stored}
    for posting in postings:
        job = jobs[posting.key]
        if (posting.company and not job.company) or (posting.title and not job.title):
            _fill_blanks(job, posting)
    return jobs


def job_posting_save(
    *, url: str, company: str = "", title: str = "", location: str = ""
) -> JobPosting:
    """Store one posting with what is known of it, or update the stored one."""
    canonical = canonicalize_url(url)
    job, _ = JobPosting.objects.update_or_create(
        canonical_key=canonical.key,
        defaults={
            "url": canonical.url,
            "ats": canonical.ats,
            "external_id": canonical.external_id,
            "company": company or canonical.company,
            "title": title or canonical.title,
            "location": location,
        },
    )
    return job


def job_posting_name_from_page(*, job_id: int, company: str, title: str) -> bool:
    """The company and title the posting's own page gives replace what its link suggested
    (canonical.py: a name read from a link is a hint until the page is read). Returns whether
    anything changed; a blank name from the page keeps the one known."""
    names = {
        "company": " ".join(company.split())[:MAX_NAME_LENGTH],
        "title": " ".join(title.split())[:MAX_TITLE_LENGTH],
    }
    names = {field: value for field, value in names.items() if value}
    if not names:
        return False
    changed = JobPosting.objects.filter(pk=job_id).exclude(**names).update(**names)
    return bool(changed)
