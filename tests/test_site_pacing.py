"""Pacing per site (applications.services.pacing): the limits in force by host, with and without
the port; requests spaced across processes through Redis; a task waiting for its site's next
window is handed a session only once its time has come."""

import itertools
import multiprocessing
import time
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from applications.models import WAITING, ApplicationTask, TaskState
from applications.services import sessions_hand_out, site_of, site_request_turn, tasks_release_due
from applications.services.pacing import REQUEST_TURN_KEY, site_limit
from core.site_limits import SiteLimitsInvalid, parse_site_limits
from tests.factories import TaskFactory

LIMITS = parse_site_limits(
    '{"127.0.0.1": {"requests_per_second": 5, "applications": "50/day"}, '
    '"*": {"requests_per_second": 0}}'
)


def test_a_site_is_its_host_with_the_port_its_link_names():
    assert site_of("http://127.0.0.1:8010/jobs/1") == "127.0.0.1:8010"
    assert site_of("https://Jobs.Lever.co/acme/1") == "jobs.lever.co"


def test_a_limit_is_found_with_and_without_the_port(settings):
    settings.SITE_LIMITS = LIMITS
    assert site_limit("127.0.0.1:8010").name == "127.0.0.1"
    assert site_limit("127.0.0.1").applications.count == 50
    assert site_limit("jobs.lever.co").requests_per_second == 2
    assert site_limit("elsewhere.example").name == "*"


@pytest.mark.parametrize(
    "raw", ['{"x": {"applications": "50/fortnight"}}', '{"x": {"speed": 1}}', "[1]", "{"]
)
def test_a_limit_that_cannot_work_is_refused(raw):
    with pytest.raises((SiteLimitsInvalid, ValueError)):
        parse_site_limits(raw)


def _take_turns(site: str, count: int, out) -> None:
    for _ in range(count):
        site_request_turn(site)
        out.put(time.monotonic())


def test_two_processes_at_five_requests_per_second_are_a_fifth_of_a_second_apart(settings):
    settings.SITE_LIMITS = LIMITS
    site = "127.0.0.1:8010"
    redis.Redis.from_url(settings.REDIS_URL).delete(REQUEST_TURN_KEY.format(site="127.0.0.1"))
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    processes = [context.Process(target=_take_turns, args=(site, 5, out)) for _ in range(2)]
    for process in processes:
        process.start()
    times = sorted(out.get(timeout=10) for _ in range(10))
    for process in processes:
        process.join(timeout=10)

    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert times[-1] - times[0] >= 9 * 0.2 - 0.01, gaps
    # Each turn is 0.2 s after the one before; a process woken late shortens the gap after it.
    assert min(gaps) >= 0.15, gaps


@pytest.mark.django_db
def test_a_task_waiting_for_its_site_is_handed_out_only_once_its_time_has_come():
    task = TaskFactory(
        not_before=timezone.now() + timedelta(minutes=1), wait_reason="Waiting until 00:00 UTC"
    )

    assert sessions_hand_out(user_id=task.user_id) == 0
    assert tasks_release_due() == 0

    ApplicationTask.objects.filter(pk=task.pk).update(not_before=timezone.now())
    assert tasks_release_due() == 1
    task.refresh_from_db()
    assert (task.state, task.not_before, task.wait_reason) == (TaskState.QUEUED, None, "")
    assert task.celery_task_id != WAITING
