from collections.abc import Iterable

from jobs.canonical import CanonicalUrl, canonicalize_url
from jobs.models import JobPosting


def job_postings_upsert(*, postings: Iterable[CanonicalUrl]) -> dict[str, JobPosting]:
    """Store the postings not stored yet and return every one of them by canonical key, in two
    queries whatever the number of postings."""
    postings = list(postings)
    JobPosting.objects.bulk_create(
        [
            JobPosting(
                canonical_key=posting.key,
                url=posting.url,
                ats=posting.ats,
                external_id=posting.external_id,
                # Until the posting's page is read, the ATS board is the best name we have.
                company=posting.board,
            )
            for posting in postings
        ],
        ignore_conflicts=True,
    )
    stored = JobPosting.objects.filter(canonical_key__in=[posting.key for posting in postings])
    return {job.canonical_key: job for job in stored}


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
            "company": company or canonical.board,
            "title": title,
            "location": location,
        },
    )
    return job
