"""Publishing work: the one place that names Celery tasks, queues and broker priorities.

The domain (applications, approvals) publishes through these functions and never imports
``workers``. Every publish happens on commit of the surrounding transaction, so a worker never
receives a message for a row it cannot see yet, and a rolled-back change publishes nothing.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable

import redis
from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# What a publish raises when the broker cannot be reached or does not answer: kombu re-raises
# most as its OperationalError; redis-py's own errors and socket errors are caught too.
BROKER_ERRORS = (OperationalError, redis.exceptions.RedisError, OSError)

QUEUE_APPROVALS = "approvals"
QUEUE_DEFAULT = "default"
QUEUE_MAINTENANCE = "maintenance"

PREPARE_TASK = "workers.prepare_application"
SUBMIT_TASK = "workers.submit_application"
PUBLISH_TASK = "workers.publish_prepare_messages"
SWEEP_STALE_TASK = "workers.sweep_stale_tasks"
SWEEP_APPROVALS_TASK = "workers.sweep_approvals"
RECONCILE_TASK = "workers.reconcile_queued_tasks"
RELEASE_PACED_TASK = "workers.release_paced_tasks"
SEND_NOTIFICATION_TASK = "workers.send_notification"

# Where each task goes when it is sent without a queue (CELERY_TASK_ROUTES).
TASK_ROUTES = {
    PREPARE_TASK: {"queue": QUEUE_DEFAULT},
    SUBMIT_TASK: {"queue": QUEUE_APPROVALS},
    "workers.*": {"queue": QUEUE_MAINTENANCE},
}

# Redis priority steps: 0 is taken first. Submitting approved work outranks everything; a task
# resumed after a pause (or boosted by its user) outranks fresh work.
BROKER_PRIORITY_SUBMIT = 0
BROKER_PRIORITY_BOOSTED = 3
BROKER_PRIORITY_NORMAL = 6

# The queues each worker process consumes (Procfile, docker-compose.yml, workers.processes): the
# `reserve` slots (RESERVE_SLOTS of them) consume approvals only, the warm reserve.
WORKER_QUEUES = {
    "worker": [QUEUE_APPROVALS, QUEUE_DEFAULT],
    "reserve": [QUEUE_APPROVALS],
    "maintenance": [QUEUE_MAINTENANCE],
}


def beat_schedule(
    *, stale_seconds: int, approvals_seconds: int, reconcile_seconds: int, pacing_seconds: int
) -> dict:
    """The sweeps beat runs, and how often (CELERY_BEAT_SCHEDULE)."""
    return {
        "recover-stale-tasks": {"task": SWEEP_STALE_TASK, "schedule": stale_seconds},
        "approval-deadlines": {"task": SWEEP_APPROVALS_TASK, "schedule": approvals_seconds},
        "reconcile-queue": {"task": RECONCILE_TASK, "schedule": reconcile_seconds},
        "release-paced-tasks": {"task": RELEASE_PACED_TASK, "schedule": pacing_seconds},
    }


# Above this many messages, an ingestion hands publishing to one maintenance task, so that the
# request that queued 10,000 postings does not wait for 10,000 broker round trips.
FAN_OUT_ABOVE = 50


def new_message_id() -> str:
    return str(uuid.uuid4())


def broker_priority(priority: int) -> int:
    """Map a task's priority (50 normal, 100 boosted) onto a Redis priority step."""
    return BROKER_PRIORITY_BOOSTED if priority >= 100 else BROKER_PRIORITY_NORMAL


def _send_prepare(task_id: int, message_id: str, priority: int, producer=None) -> None:
    current_app.send_task(
        PREPARE_TASK,
        args=[task_id],
        task_id=message_id,
        queue=QUEUE_DEFAULT,
        priority=broker_priority(priority),
        producer=producer,
    )


def send_prepare_now(messages: Iterable[tuple[int, str, int]]) -> int:
    """Publish (task id, message id, priority) triples over one producer connection."""
    sent = 0
    with current_app.producer_or_acquire() as producer, producer.batch():
        # One pipelined round trip per thousand messages instead of one per message.
        for task_id, message_id, priority in messages:
            _send_prepare(task_id, message_id, priority, producer=producer)
            sent += 1
    return sent


def _on_commit(send: Callable[[], object], what: str) -> None:
    """Publish on commit. The broker being down does not undo what was committed: the publish
    gives up within CELERY_TASK_PUBLISH_RETRY_POLICY and the broker's socket timeouts, the
    failure is logged once, and the reconciliation sweep publishes the message again from the
    row (RECONCILE_AFTER_SECONDS), which is the truth."""

    def publish() -> None:
        try:
            send()
        except BROKER_ERRORS as error:
            logger.error(
                "could not publish %s (%s); the reconciliation sweep will publish it again",
                what,
                error,
                extra={"publish": what},
            )

    transaction.on_commit(publish)


def publish_prepare(messages: list[tuple[int, str, int]]) -> None:
    """On commit, publish prepare messages: directly when few, through one fan-out task when
    many."""
    if not messages:
        return
    what = f"the prepare message(s) of {len(messages)} task(s)"
    if len(messages) <= FAN_OUT_ABOVE:
        _on_commit(lambda: send_prepare_now(messages), what)
        return
    task_ids = [task_id for task_id, _, _ in messages]
    _on_commit(
        lambda: current_app.send_task(
            PUBLISH_TASK,
            args=[task_ids],
            queue=QUEUE_MAINTENANCE,
            priority=BROKER_PRIORITY_NORMAL,
        ),
        what,
    )


def publish_submit(task_id: int, message_id: str) -> None:
    _on_commit(
        lambda: current_app.send_task(
            SUBMIT_TASK,
            args=[task_id],
            task_id=message_id,
            queue=QUEUE_APPROVALS,
            priority=BROKER_PRIORITY_SUBMIT,
        ),
        f"the submit message of task {task_id}",
    )


def send_notifications_now(notification_ids: Iterable[int]) -> int:
    """Publish one message per notification (each row is one recipient) over one producer
    connection."""
    sent = 0
    with current_app.producer_or_acquire() as producer, producer.batch():
        for notification_id in notification_ids:
            current_app.send_task(
                SEND_NOTIFICATION_TASK,
                args=[notification_id],
                queue=QUEUE_MAINTENANCE,
                priority=BROKER_PRIORITY_NORMAL,
                producer=producer,
            )
            sent += 1
    return sent


def publish_notifications(notification_ids: list[int]) -> None:
    """On commit, one message per notification row; one that is lost is published again by the
    approvals sweep (approvals.services.notifying.notifications_resend_lost)."""
    if not notification_ids:
        return
    ids = list(notification_ids)
    _on_commit(lambda: send_notifications_now(ids), f"{len(ids)} notification message(s)")


def interrupt(message_id: str) -> None:
    """Revoke a running prepare message and signal its process: SIGUSR1 raises
    SoftTimeLimitExceeded inside the task, which then takes the pause path."""
    current_app.control.revoke(message_id, terminate=True, signal="SIGUSR1")


def queued_message_ids(queue: str) -> set[str]:
    """The ids of the messages waiting in a Redis queue (every priority step) or delivered and
    not yet acknowledged."""
    ids: set[str] = set()
    options = current_app.conf.broker_transport_options
    separator = options.get("sep", "\x06\x16")
    with current_app.connection_for_read() as connection:
        client = connection.default_channel.client
        names = [queue] + [
            f"{queue}{separator}{step}" for step in options.get("priority_steps", []) if step
        ]
        for name in names:
            for raw in client.lrange(name, 0, -1):
                ids.add(json.loads(raw)["headers"]["id"])
        for raw in client.hvals("unacked"):
            message = json.loads(raw)[0]
            ids.add(message["headers"]["id"])
    return ids
