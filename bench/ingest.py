"""Ingest 10,000 posting links (20% repeated inside the list, 10% already applied to) through the
REST API, against the same links stored one at a time through the ORM.

    .venv/bin/python bench/ingest.py --out bench/results/ingest.json
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TOTAL = 10_000
REPEATED_SHARE = 0.2
APPLIED_SHARE = 0.1
REPETITIONS = 5


def links(total: int) -> tuple[list[str], list[str]]:
    """`total` links of which 20% repeat an earlier one, and the unique links that 10% of
    `total` already-applied postings come from."""
    unique_count = round(total * (1 - REPEATED_SHARE))
    unique = [
        f"https://boards.greenhouse.io/company{n % 400}/jobs/{100000 + n}?gh_src=bench"
        for n in range(unique_count)
    ]
    repeated = [unique[n % unique_count] for n in range(total - unique_count)]
    applied = unique[: round(total * APPLIED_SHARE)]
    return unique + repeated, applied


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE applications_application, applications_taskevent, "
            "applications_applicationtask, applications_applicationrun, jobs_jobposting CASCADE"
        )


def mark_applied(user, urls: list[str]) -> None:
    from django.utils import timezone

    from applications.models import Application, ApplicationStatus
    from jobs.canonical import canonicalize_url
    from jobs.services import job_postings_upsert

    jobs = job_postings_upsert(postings=[canonicalize_url(url) for url in urls]).values()
    Application.objects.bulk_create(
        Application(
            user=user,
            job=job,
            status=ApplicationStatus.APPLIED,
            has_been_applied_to=True,
            last_applied_at=timezone.now(),
        )
        for job in jobs
    )


def through_the_api(client, user, total: int) -> tuple[float, int, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reset()
    urls, applied = links(total)
    mark_applied(user, applied)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post("/api/runs/", {"job_urls": urls}, format="json")
        elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.content[:500]
    return elapsed, len(queries), response.json()


def one_at_a_time(user, total: int) -> float:
    """The baseline: every link stored by itself, a get-or-create per posting, lock and task."""
    from applications.models import Application, ApplicationRun, ApplicationStatus, ApplicationTask
    from jobs.canonical import canonicalize_url
    from jobs.models import JobPosting

    reset()
    urls, applied = links(total)
    mark_applied(user, applied)
    started = time.perf_counter()
    run = ApplicationRun.objects.create(user=user, name="baseline")
    for url in urls:
        canonical = canonicalize_url(url)
        job, _ = JobPosting.objects.get_or_create(
            canonical_key=canonical.key,
            defaults={"url": canonical.url, "ats": canonical.ats, "company": canonical.board},
        )
        application, _ = Application.objects.get_or_create(user=user, job=job)
        if application.status != ApplicationStatus.PENDING:
            continue
        ApplicationTask.objects.get_or_create(run=run, job=job, defaults={"user": user})
    return time.perf_counter() - started


def main() -> None:
    arguments = common.parser(__doc__.splitlines()[0], "ingest.json").parse_args()
    common.setup_django()
    try:
        from rest_framework.test import APIClient

        from applications.services import applicant_create

        user, token = applicant_create(username="bench", password="bench-password")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

        _, queries_100, _ = through_the_api(client, user, 100)
        walls, queries_10000 = [], 0
        for _ in range(REPETITIONS):
            wall, queries_10000, body = through_the_api(client, user, TOTAL)
            walls.append(wall)
        expected_tasks = round(TOTAL * (1 - REPEATED_SHARE)) - round(TOTAL * APPLIED_SHARE)
        assert len(body["tasks"]) == expected_tasks, (len(body["tasks"]), expected_tasks)
        baseline_walls = [one_at_a_time(user, TOTAL) for _ in range(2)]

        wall_s = common.median(walls)
        baseline_wall_s = common.median(baseline_walls)
        common.write_result(
            out=arguments.out,
            benchmark="ingest",
            params={
                "urls": TOTAL,
                "repeated_share": REPEATED_SHARE,
                "applied_share": APPLIED_SHARE,
                "repetitions": REPETITIONS,
                "tasks_created": expected_tasks,
            },
            results={
                "wall_s": round(wall_s, 3),
                "wall_s_p95": round(common.percentile(walls, 0.95), 3),
                "queries_100": queries_100,
                "queries_10000": queries_10000,
                "speedup_vs_baseline": round(baseline_wall_s / wall_s, 1),
                "queries_10000_minus_queries_100": queries_10000 - queries_100,
            },
            baseline={"wall_s": round(baseline_wall_s, 3)},
            goals={
                "wall_s": ("<", 2),
                "speedup_vs_baseline": (">=", 10),
                "queries_10000_minus_queries_100": ("==", 0),
            },
        )
    finally:
        common.teardown_django()


if __name__ == "__main__":
    main()
