"""The order the broker hands work out in: submits first, then boosted work, then normal work."""

import time

from config import dispatch
from config.celery import app

# A worker's blocking pop already under way when its consumer is cancelled ends within kombu's
# BRPOP timeout (1 s); wait that out before publishing what it must not take.
BRPOP_SECONDS = 1.5


def test_boosted_and_submit_messages_are_taken_before_normal_ones(engine):
    main = engine.node("main")
    reserve = engine.node("reserve")
    app.control.cancel_consumer("default", destination=[main], reply=True)
    app.control.cancel_consumer("approvals", destination=[main, reserve], reply=True)
    time.sleep(BRPOP_SECONDS)
    try:
        dispatch.send_prepare_now([(1, "normal-1", 50), (2, "boosted", 100), (3, "normal-2", 50)])
        app.send_task(
            dispatch.SUBMIT_TASK,
            args=[4],
            task_id="submit",
            queue=dispatch.QUEUE_APPROVALS,
            priority=dispatch.BROKER_PRIORITY_SUBMIT,
        )
        taken = []
        with app.connection_for_read() as connection:
            channel = connection.default_channel
            # The worker's order: approvals before default, lower priority step first.
            for queue in ("approvals", "default"):
                while (message := channel.basic_get(queue)) is not None:
                    taken.append(message.headers["id"])
                    message.ack()
    finally:
        app.control.add_consumer("default", destination=[main], reply=True)
        app.control.add_consumer("approvals", destination=[main, reserve], reply=True)

    assert taken == ["submit", "boosted", "normal-1", "normal-2"]
