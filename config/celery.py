"""The Celery app. Its settings live in config/settings.py under the CELERY_ prefix."""

import functools
import os
from collections.abc import Iterator, Mapping
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class DjangoCelerySettings(Mapping):
    """Django's settings, read once (when Celery first needs its configuration) into a plain
    dict; Celery takes those named CELERY_*. Celery looks several settings up on every publish
    and every task; read through django.conf.settings, a lazy object, those lookups cost about a
    sixth of a publish."""

    @functools.cached_property
    def values(self) -> dict[str, Any]:
        from django.conf import settings

        return {name: getattr(settings, name) for name in dir(settings) if name.isupper()}

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


app = Celery("applyline")
app.config_from_object(DjangoCelerySettings(), namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_process_init.connect
def keep_database_connections(**_) -> None:
    """Pool processes reuse their database connection for WORKER_DATABASE_CONN_MAX_AGE, without
    the health check before each reuse (a round trip per task): a connection that has died
    fails the task's first statement, the message is retried (workers/tasks.py), and before
    the next task the failed connection is replaced (replace_unusable_connections)."""
    from django.conf import settings
    from django.db import connections

    for connection in connections.all():
        connection.settings_dict["CONN_MAX_AGE"] = settings.WORKER_DATABASE_CONN_MAX_AGE
        connection.settings_dict["CONN_HEALTH_CHECKS"] = False


@signals.task_prerun.connect
def replace_unusable_connections(sender: Any = None, **_) -> None:
    """Before each task, as Django does before each request: drop a connection that has failed
    or outlived its age. Not for a task run eagerly (`apply()`), which runs in its caller's
    process and transaction, as Celery's own Django fixup spares it."""
    from django.db import close_old_connections

    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    close_old_connections()


@signals.worker_process_init.connect
def publish_events_in_background(**_) -> None:
    """A worker hands its change events to a thread of its process (core.events), so that it
    never waits for Redis between one message and the next."""
    from core import events

    events.publish_in_background()


@signals.worker_process_init.connect
def listen_for_stop(**_) -> None:
    from workers.interrupts import listen_for_stop

    listen_for_stop()


@signals.worker_init.connect
def reap_browser_orphans(**_) -> None:
    """The worker's main process adopts and reaps what a pool process killed with SIGKILL left
    (its Playwright driver, Chromium): workers/browser/reaping.py."""
    from workers.browser.reaping import reap_in_background

    reap_in_background()


@signals.worker_process_shutdown.connect
def close_browser(**_) -> None:
    """A pool process that ends (max tasks per child, the worker's shutdown) closes its
    Chromium: billiard ends its processes with os._exit, which skips atexit."""
    import sys

    runtime = sys.modules.get("workers.browser.runtime")
    if runtime is not None:
        runtime.close_browser()


_pools: list[Any] = []


@signals.worker_ready.connect
def remember_pool(sender: Any = None, **_) -> None:
    if sender is not None and getattr(sender, "pool", None) is not None:
        _pools.append(sender.pool)


@signals.worker_shutting_down.connect
def pause_running_tasks(**_) -> None:
    """A worker stopping gracefully (SIGTERM, Ctrl-C) tells its pool processes, so that the
    prepares they run pause at once (workers.interrupts): only the main process hears a
    `docker stop` or a `kill PID`. A cold shutdown has stopped the pool before this runs; its
    processes were sent SIGTERM, which they take the same way."""
    from workers.interrupts import tell_pool_to_stop

    for pool in _pools:
        try:
            processes = pool.info.get("processes", [])
        except AttributeError:
            # Stopped already: prefork's info reads the processes of a pool that is gone.
            continue
        tell_pool_to_stop(list(processes))
