"""Ingesting postings into a run skips what must not be applied to again, and says why."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import (
    ApplicationRun,
    ApplicationStatus,
    ApplicationTask,
    Profile,
    TaskState,
)
from applications.services import run_add_jobs, run_create
from jobs.models import JobPosting
from tests.factories import ApplicationFactory, JobPostingFactory

pytestmark = pytest.mark.django_db


def greenhouse(board: str, job_id: int) -> str:
    return f"https://boards.greenhouse.io/{board}/jobs/{job_id}"


def test_each_posting_becomes_one_queued_task(owner):
    result = run_create(user=owner, job_urls=[greenhouse("acme", 1), greenhouse("acme", 2)])

    assert result.warnings == []
    assert [task.state for task in result.tasks] == [TaskState.QUEUED, TaskState.QUEUED]
    assert ApplicationTask.objects.filter(run=result.run).count() == 2


def test_links_to_the_same_posting_inside_the_list_are_queued_once(owner):
    result = run_create(
        user=owner,
        job_urls=[
            greenhouse("acme", 1),
            greenhouse("ACME", 1) + "?utm_source=linkedin",
            greenhouse("acme", 2),
        ],
    )

    assert len(result.tasks) == 2
    assert len(result.warnings) == 1
    assert "same posting as job_urls[0]" in result.warnings[0]
    assert JobPosting.objects.count() == 2


def test_a_posting_already_applied_to_is_skipped_with_its_date(owner):
    job = JobPostingFactory(company="Acme", external_id="7", canonical_key="greenhouse:acme:7")
    ApplicationFactory(
        user=owner,
        job=job,
        status=ApplicationStatus.APPLIED,
        has_been_applied_to=True,
        last_applied_at=datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC),
    )

    result = run_create(user=owner, job_urls=[greenhouse("acme", 7), greenhouse("acme", 8)])

    assert len(result.tasks) == 1
    assert result.warnings == ["Skipped Acme — already applied on 2026-11-02."]


def test_a_posting_in_progress_is_skipped(owner):
    job = JobPostingFactory(company="Acme", external_id="7", canonical_key="greenhouse:acme:7")
    ApplicationFactory(user=owner, job=job, status=ApplicationStatus.IN_PROGRESS)

    result = run_create(user=owner, job_urls=[greenhouse("acme", 7)])

    assert result.run is None
    assert result.tasks == []
    assert result.warnings == ["Skipped Acme — an application is in progress."]


def test_another_users_application_does_not_skip_mine(owner, outsider):
    job = JobPostingFactory(company="Acme", external_id="7", canonical_key="greenhouse:acme:7")
    ApplicationFactory(user=outsider, job=job, status=ApplicationStatus.APPLIED)

    result = run_create(user=owner, job_urls=[greenhouse("acme", 7)])

    assert len(result.tasks) == 1


def test_sending_the_same_request_twice_creates_nothing_twice(owner):
    urls = [greenhouse("acme", 1), greenhouse("globex", 2)]

    first = run_create(user=owner, job_urls=urls)
    second = run_create(user=owner, job_urls=urls)

    assert len(first.tasks) == 2
    assert second.run is None
    assert second.tasks == []
    assert len(second.warnings) == 2
    assert all(f"already queued in run {first.run.pk}" in w for w in second.warnings)
    assert ApplicationRun.objects.count() == 1
    assert ApplicationTask.objects.count() == 2
    assert JobPosting.objects.count() == 2


def test_adding_a_posting_already_in_the_run_skips_it(owner):
    result = run_create(user=owner, job_urls=[greenhouse("acme", 1)])

    added = run_add_jobs(run=result.run, job_urls=[greenhouse("acme", 1), greenhouse("acme", 2)])

    assert len(added.tasks) == 1
    assert added.warnings == ["Skipped acme — already queued in this run."]
    assert ApplicationTask.objects.filter(run=result.run).count() == 2


def test_a_finished_task_does_not_block_a_new_run(owner):
    earlier = run_create(user=owner, job_urls=[greenhouse("acme", 1)])
    task = earlier.tasks[0]
    ApplicationTask.objects.filter(pk=task.pk).update(
        state=TaskState.CANCELLED, finished_at=timezone.now()
    )

    again = run_create(user=owner, job_urls=[greenhouse("acme", 1)])

    assert len(again.tasks) == 1


@pytest.fixture
def preferences(owner):
    return Profile.objects.get(user=owner)


def test_a_blocked_company_is_skipped_whatever_its_case(owner, preferences):
    preferences.company_blocklist = ["ACME"]
    preferences.save()

    result = run_create(user=owner, job_urls=[greenhouse("acme", 1), greenhouse("globex", 2)])

    assert [task.job.company for task in result.tasks] == ["globex"]
    assert result.warnings == ["Skipped acme — the company is on your blocklist."]


def test_a_title_with_an_avoided_keyword_is_skipped(owner, preferences):
    JobPostingFactory(
        company="acme", external_id="1", canonical_key="greenhouse:acme:1", title="Sales Manager"
    )
    preferences.avoid_title_keywords = ["sales"]
    preferences.save()

    result = run_create(user=owner, job_urls=[greenhouse("acme", 1), greenhouse("acme", 2)])

    assert len(result.tasks) == 1
    assert result.warnings == ["Skipped acme — the title contains “sales”."]


def test_at_most_the_chosen_number_of_applications_per_company(owner, preferences):
    preferences.max_applications_per_company = 1
    preferences.save()
    earlier = JobPostingFactory(company="acme", external_id="9", canonical_key="greenhouse:acme:9")
    ApplicationFactory(user=owner, job=earlier, status=ApplicationStatus.APPLIED)

    result = run_create(
        user=owner,
        job_urls=[greenhouse("acme", 1), greenhouse("globex", 1), greenhouse("globex", 2)],
    )

    assert [task.job.canonical_key for task in result.tasks] == ["greenhouse:globex:1"]
    assert result.warnings == [
        "Skipped acme — you apply to at most 1 posting(s) per company.",
        "Skipped globex — you apply to at most 1 posting(s) per company.",
    ]


def ingest_counting_queries(user, urls: list[str]) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        result = run_create(user=user, job_urls=urls)
    return len(queries), len(result.tasks)


def test_ingestion_takes_the_same_number_of_queries_for_5_or_500_links(owner, preferences):
    preferences.max_applications_per_company = 1000
    preferences.save()
    applied = JobPostingFactory(company="acme", external_id="0", canonical_key="greenhouse:acme:0")
    ApplicationFactory(user=owner, job=applied, status=ApplicationStatus.APPLIED)

    small = ingest_counting_queries(owner, [greenhouse("acme", n) for n in range(5)])
    large = ingest_counting_queries(owner, [greenhouse("globex", n) for n in range(500)] * 2)

    assert (small[1], large[1]) == (4, 500)
    assert small[0] == large[0]
