"""What a posting's page says of it (the company and title a driver read there) replaces what
its link suggested; a page that said nothing keeps the names known."""

import pytest

from applications.services.preparing import task_name_posting_from_page
from jobs.models import JobPosting
from tests.factories import JobPostingFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_the_pages_company_and_title_replace_the_links():
    job = JobPostingFactory(company="127.0.0.1", title="Job application")
    task = TaskFactory(
        job=job, checkpoint={"posting": {"company": "Acme  Robotics", "title": "Data Analyst"}}
    )

    task_name_posting_from_page(task=task)

    job = JobPosting.objects.get(pk=job.pk)
    assert (job.company, job.title) == ("Acme Robotics", "Data Analyst")


def test_a_page_that_named_nothing_changes_nothing():
    job = JobPostingFactory(company="Globex", title="Backend Engineer")
    task = TaskFactory(job=job, checkpoint={"posting": {"company": "", "title": ""}})

    task_name_posting_from_page(task=task)

    job = JobPosting.objects.get(pk=job.pk)
    assert (job.company, job.title) == ("Globex", "Backend Engineer")
