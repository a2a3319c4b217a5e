"""The order the broker hands work out in: submits first, then boosted work, then normal work."""

from config import dispatch
from config.celery import app


def test_boosted_and_submit_messages_are_taken_before_normal_ones(engine):
    # No worker takes the messages meanwhile: the test takes them itself, as a worker would.
    with engine.paused({"main": ["default", "approvals"], "reserve": ["approvals"]}):
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

    assert taken == ["submit", "boosted", "normal-1", "normal-2"]
