"""The Celery app. Its settings live in config/settings.py under the CELERY_ prefix."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("applyline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_process_init.connect
def keep_database_connections(**_) -> None:
    """Pool processes reuse their database connection for WORKER_DATABASE_CONN_MAX_AGE."""
    from django.conf import settings
    from django.db import connections

    for connection in connections.all():
        connection.settings_dict["CONN_MAX_AGE"] = settings.WORKER_DATABASE_CONN_MAX_AGE


@signals.task_prerun.connect
def replace_unusable_connections(**_) -> None:
    """Before each task, as Django does before each request: drop a connection that has failed
    or outlived its age."""
    from django.db import close_old_connections

    close_old_connections()
