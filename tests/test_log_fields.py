"""A log line carries the fields of its record's `extra` after the message, as key=value; a
record without them prints as the plain format always did."""

import logging
import re

from applications.models import TaskPriority, TaskState
from tests.console import console_output

# asctime, level, logger name, message.
LINE_START = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} "


def test_a_state_change_prints_its_fields_in_the_order_given():
    with console_output() as output:
        logging.getLogger("applications.services").info(
            "task state changed",
            extra={"task_id": 7, "from": TaskState.QUEUED, "to": TaskState.RUNNING, "actor": "w"},
        )

    assert re.fullmatch(
        LINE_START + "INFO applications.services task state changed "
        "task_id=7 from=queued to=running actor=w\n",
        output.getvalue(),
    )


def test_a_value_with_a_space_or_a_quote_is_quoted():
    with console_output() as output:
        logging.getLogger("applications.services").warning(
            "task failed",
            extra={"task_id": 7, "reason": 'form said "no" twice', "actor": "", "empty": None},
        )

    assert output.getvalue().endswith(
        'task failed task_id=7 reason="form said \\"no\\" twice" actor="" empty=None\n'
    )


def test_a_choice_prints_its_value_and_a_list_its_items():
    with console_output() as output:
        logging.getLogger("workers").info(
            "boosted", extra={"priority": TaskPriority.BOOSTED, "task_ids": [3, 4]}
        )

    assert output.getvalue().endswith("boosted priority=100 task_ids=3,4\n")


def test_a_record_without_extra_prints_as_the_plain_format_did():
    logger = logging.getLogger("celery.apps.worker")
    record = logger.makeRecord(
        logger.name, logging.INFO, __file__, 1, "%s ready.", ("celery@host",), None
    )
    plain_format = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    with console_output() as output:
        logger.handle(record)

    assert output.getvalue() == plain_format.format(record) + "\n"


def test_a_celery_record_with_its_arguments_in_extra_prints_as_before():
    # Celery's worker logs "succeeded" with the task's arguments in extra={"data": {...}}: an
    # object, which the line leaves out.
    logger = logging.getLogger("celery.app.trace")
    context = {
        "id": "abc",
        "name": "workers.prepare_application",
        "runtime": 0.5,
        "return_value": "None",
    }
    record = logger.makeRecord(
        logger.name,
        logging.INFO,
        __file__,
        1,
        "Task %(name)s[%(id)s] succeeded in %(runtime)ss: %(return_value)s",
        (context,),
        None,
        extra={"data": context},
    )
    plain_format = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    with console_output() as output:
        logger.handle(record)

    assert output.getvalue() == plain_format.format(record) + "\n"
    assert "succeeded in 0.5s: None\n" in output.getvalue()


def test_the_fields_come_before_the_traceback():
    with console_output() as output:
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("workers").exception("step raised", extra={"task_id": 7})

    first, *rest = output.getvalue().splitlines()
    assert first.endswith("ERROR workers step raised task_id=7")
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "ValueError: boom"


def test_uvicorns_coloured_copy_of_its_message_is_left_out():
    with console_output() as output:
        logging.getLogger("uvicorn.error").info(
            "Started server process [%d]",
            42,
            extra={"color_message": "Started server process [\x1b[36m%d\x1b[0m]"},
        )

    assert output.getvalue().endswith("INFO uvicorn.error Started server process [42]\n")
