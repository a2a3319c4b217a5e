"""Pacing per job site, shared by every worker process through Redis (SITE_LIMITS,
core.site_limits).

- Requests: `site_request_turn(site)` blocks until this process may make its next request to
  the site. Each call takes the next free turn in one Lua script (Redis' own clock, so that the
  workers' clocks need not agree) and sleeps until it comes: turns are 1 / requests_per_second
  apart, whoever takes them. No ORM: the browser's thread calls it between page actions.
- Applications: a prepare, once claimed, takes its place in its site's current window (fixed,
  aligned to the period: a UTC minute, hour or day), kept by task id, so that a redelivery in
  the same window does not count twice, and noted in the checkpoint (`site_turn`), so that a
  task resumed in a later window does not count again. Over the cap, the task goes back to the
  queue without a message (`wait_for_site`), not handed a session before `not_before` and
  saying why (`wait_reason`); `tasks_release_due` (a beat sweep) hands it out once its time
  has come.

A site is a posting link's host, with its port when the link names one; its limit is the
SITE_LIMITS entry of that name, else of the host without the port, else "*". Sites under one
entry share its pace and its cap; sites under "*" each have their own.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.db import transaction
from django_fsm import ConcurrentTransition

from applications.exceptions import TaskLost
from applications.models import WAITING, ApplicationTask, TaskState
from applications.services.locks import application_release
from applications.services.preemption import announce_on_commit, announce_slot_freed
from applications.services.sessions import hand_out_on_commit, sessions_hand_out
from applications.services.transitions import WORKER_ACTOR, task_transition
from core.site_limits import DEFAULT, SiteLimit
from jobs.models import JobPosting

logger = logging.getLogger(__name__)

REQUEST_TURN_KEY = "applyline:pace:requests:{site}"
APPLICATION_WINDOW_KEY = "applyline:pace:applications:{site}:"
# Where a task notes the window it was counted in.
SITE_TURN = "site_turn"

# The next free turn of a site (KEYS[1], microseconds of Redis' clock); ARGV[1]: the interval in
# microseconds. Returns how long the caller waits for the turn it took, in microseconds.
_TAKE_REQUEST_TURN = """
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local interval = tonumber(ARGV[1])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local turn = math.max(now_us, free)
local keep_ms = math.ceil((turn + interval - now_us) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', turn + interval), 'PX', keep_ms)
return string.format('%.0f', turn - now_us)
"""

# A place in the site's current window: KEYS[1] is the key's prefix, the window's start (epoch
# seconds of Redis' clock, a multiple of ARGV[3]) completes it. ARGV: task id, cap, period in
# seconds. Returns {1 or 0 (whether the task has a place), the window's start}.
_TAKE_APPLICATION_PLACE = """
local now = tonumber(redis.call('TIME')[1])
local period = tonumber(ARGV[3])
local window = now - (now % period)
local key = KEYS[1] .. window
if redis.call('SISMEMBER', key, ARGV[1]) == 1 then return {1, window} end
if redis.call('SCARD', key) < tonumber(ARGV[2]) then
  redis.call('SADD', key, ARGV[1])
  redis.call('EXPIRE', key, period + 60)
  return {1, window}
end
return {0, window}
"""


@functools.cache
def _clients(pid: int) -> tuple[redis.Redis, object, object]:
    # One client per process (a forked pool process makes its own); redis-py's pool makes it
    # safe to share between threads.
    client = redis.Redis.from_url(settings.REDIS_URL)
    return (
        client,
        client.register_script(_TAKE_REQUEST_TURN),
        client.register_script(_TAKE_APPLICATION_PLACE),
    )


def _redis() -> tuple[redis.Redis, object, object]:
    return _clients(os.getpid())


def site_of(url: str) -> str:
    """A posting link's site: its host, lower case, with the port when the link names one."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port is not None else host


def site_limit(site: str) -> SiteLimit:
    """The limit in force for a site: its own SITE_LIMITS entry, its host's, or the default."""
    limits = settings.SITE_LIMITS
    host = site.rsplit(":", 1)[0] if site.count(":") == 1 else site
    return limits.get(site) or limits.get(host) or limits[DEFAULT]


def _paced_as(site: str, limit: SiteLimit) -> str:
    """The name a site's turns and places are kept under: its entry's, shared by the sites under
    it, or for the default entry the site's own."""
    return site if limit.name == DEFAULT else limit.name


def site_request_turn(site: str) -> None:
    """Block until this worker may make its next request to `site`, across every process."""
    limit = site_limit(site)
    if not limit.requests_per_second:
        return
    _, take_turn, _ = _redis()
    interval = round(1_000_000 / limit.requests_per_second)
    waited = int(
        take_turn(keys=[REQUEST_TURN_KEY.format(site=_paced_as(site, limit))], args=[interval])
    )
    if waited > 0:
        time.sleep(waited / 1_000_000)


@dataclass(frozen=True)
class SiteWait:
    until: datetime
    reason: str


def _any_cap() -> bool:
    return any(limit.applications for limit in settings.SITE_LIMITS.values())


def site_application_place(*, task_id: int, url: str) -> SiteWait | tuple[str, int] | None:
    """A place for the task in its site's current window of applications: None when its site
    has no cap, (site, window start) when it has a place, else the SiteWait until the next
    window."""
    site = site_of(url)
    limit = site_limit(site)
    cap = limit.applications
    if cap is None:
        return None
    _, _, take_place = _redis()
    name = _paced_as(site, limit)
    placed, window = take_place(
        keys=[APPLICATION_WINDOW_KEY.format(site=name)], args=[task_id, cap.count, cap.seconds]
    )
    if placed:
        return (name, int(window))
    until = datetime.fromtimestamp(int(window) + cap.seconds, tz=UTC)
    clock = until.strftime("%H:%M:%S" if until.second else "%H:%M")
    noun = "application" if cap.count == 1 else "applications"
    return SiteWait(
        until=until,
        reason=f"Waiting until {clock} UTC: {name} takes {cap.count} {noun} per {cap.period}",
    )


def task_take_site_turn(*, task: ApplicationTask) -> SiteWait | None:
    """A prepare just claimed takes its place in its site's window of applications (once per
    task: `checkpoint["site_turn"]`). Over the cap, the task goes back to the queue without a
    message until the next window (wait_for_site), its lock and session given back; returns
    the SiteWait then, else None. Costs nothing while no site has a cap; raises TaskLost when
    the row is no longer the worker's."""
    if not _any_cap() or SITE_TURN in task.checkpoint:
        return None
    url = getattr(task, "job_url", None)
    if url is None:
        url = JobPosting.objects.filter(pk=task.job_id).values_list("url", flat=True).first()
    place = site_application_place(task_id=task.pk, url=url or "")
    if place is None:
        return None
    if not isinstance(place, SiteWait):
        site, window = place
        task.checkpoint = {**task.checkpoint, SITE_TURN: {"site": site, "window": window}}
        return None
    task_wait_for_site(task=task, wait=place)
    return place


def task_wait_for_site(*, task: ApplicationTask, wait: SiteWait) -> ApplicationTask:
    """RUNNING → QUEUED without a message until `wait.until`, while the row is the worker's."""
    message_id = task.celery_task_id
    with transaction.atomic():
        task.celery_task_id = WAITING
        try:
            task_transition(
                task=task,
                transition="wait_for_site",
                actor=WORKER_ACTOR,
                reason=wait.reason,
                guard={"celery_task_id": message_id},
                until=wait.until,
                why=wait.reason,
            )
        except ConcurrentTransition as error:
            task.celery_task_id = message_id
            raise TaskLost(f"Task {task.pk} is no longer this worker's.") from error
        application_release(task=task)
        # The session it held goes to the user's next task that may go now.
        hand_out_on_commit(task.user_id)
        announce_on_commit(announce_slot_freed, task.user_id)
    return task


def tasks_release_due(*, limit: int = 1000) -> int:
    """Tasks waiting for their site whose time has come are handed out with their users' free
    sessions (the beat's pacing sweep); returns how many were handed a session."""
    now = datetime.now(tz=UTC)
    due = ApplicationTask.objects.filter(
        state=TaskState.QUEUED, celery_task_id=WAITING, not_before__lte=now
    )
    users = list(due.order_by("user_id").values_list("user_id", flat=True).distinct()[:limit])
    if not users:
        return 0
    ApplicationTask.objects.filter(
        state=TaskState.QUEUED, celery_task_id=WAITING, not_before__lte=now, user_id__in=users
    ).update(not_before=None, wait_reason="")
    return sum(sessions_hand_out(user_id=user_id) for user_id in users)
