"""A posting on a site we do not know gets a company from its host and a title from its link's
last path segment when that reads as a title; a known company or title is never replaced."""

import pytest

from applications.services import run_create, task_transition
from approvals.services import approval_create
from jobs.canonical import canonicalize_url
from jobs.models import JobPosting
from tests.factories import JobPostingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("link", "company", "title"),
    [
        (
            "https://careers.example.com/jobs/senior-backend-engineer",
            "example.com",
            "Senior backend engineer",
        ),
        (
            "https://www.globex.io/careers/data_platform_lead/apply",
            "globex.io",
            "Data platform lead",
        ),
        (
            "https://jobs.initech.co.uk/openings/site-reliability-engineer-4711",
            "initech.co.uk",
            "Site reliability engineer",
        ),
        ("https://example.org/jobs/12345", "example.org", ""),
        ("https://example.org/p/8f14e45f-ceea-467f", "example.org", ""),
        ("https://example.org/", "example.org", ""),
        ("https://boards.greenhouse.io/acme/jobs/4012345", "acme", ""),
    ],
)
def test_company_and_title_read_from_the_link(link, company, title):
    canonical = canonicalize_url(link)
    assert (canonical.company, canonical.title) == (company, title)


def test_ingestion_stores_the_company_and_title_read_from_the_link(owner):
    run_create(user=owner, job_urls=["https://careers.example.com/jobs/senior-backend-engineer"])

    job = JobPosting.objects.get()
    assert (job.company, job.title) == ("example.com", "Senior backend engineer")


def test_ingestion_keeps_a_known_company_and_fills_only_the_blank_title(owner):
    link = "https://careers.example.com/jobs/senior-backend-engineer"
    JobPostingFactory(
        canonical_key=canonicalize_url(link).key, url=link, ats="", company="Example Corp", title=""
    )

    run_create(user=owner, job_urls=[link])

    job = JobPosting.objects.get()
    assert (job.company, job.title) == ("Example Corp", "Senior backend engineer")


def test_ingestion_fills_a_blank_company_and_title_of_a_stored_posting(owner):
    link = "https://careers.example.com/jobs/senior-backend-engineer"
    JobPostingFactory(
        canonical_key=canonicalize_url(link).key, url=link, ats="", company="", title=""
    )

    run_create(user=owner, job_urls=[link])

    job = JobPosting.objects.get()
    assert (job.company, job.title) == ("example.com", "Senior backend engineer")


def test_the_approvals_list_shows_the_company_and_title(owner, owner_client):
    result = run_create(
        user=owner, job_urls=["https://careers.example.com/jobs/senior-backend-engineer"]
    )
    task = result.tasks[0]
    task_transition(task=task, transition="claim", actor="test")
    task_transition(task=task, transition="prepared", actor="test")
    approval_create(task=task)

    approval = owner_client.get("/api/approvals/").json()["results"][0]

    assert (approval["company"], approval["title"]) == ("example.com", "Senior backend engineer")
