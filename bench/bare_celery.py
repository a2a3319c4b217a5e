"""The throughput benchmark's baseline: bare Celery on the same Redis broker, with the engine's
delivery settings and nothing else — per posting, a chain of two no-op tasks, the second
counting itself done in Redis.

Workers load it with `celery -A bare_celery worker` (bench/ on PYTHONPATH)."""

import os

import redis
from celery import Celery

BROKER_URL = os.environ["BARE_BROKER_URL"]
QUEUE = "bare"
DONE_KEY = "bare:done"

# Connects on first use, in the pool process.
done_counter = redis.Redis.from_url(BROKER_URL)

app = Celery("bare", broker=BROKER_URL)
app.conf.update(
    task_default_queue=QUEUE,
    task_ignore_result=True,
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    broker_transport_options={
        "priority_steps": [0, 3, 6, 9],
        "sep": ":",
        "queue_order_strategy": "priority",
    },
    worker_hijack_root_logger=False,
)


@app.task(name="bare.first")
def first(number: int) -> None:
    return None


@app.task(name="bare.second")
def second(number: int) -> None:
    done_counter.incr(DONE_KEY)
