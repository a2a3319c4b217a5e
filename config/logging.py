"""How Applyline's processes write their logs: one line per record, its `extra` fields after the
message as key=value.

Used by Django's LOGGING (config/settings.py), which the Celery worker and beat use too.
Imports nothing from Django."""

import datetime
import decimal
import enum
import logging
import uuid
from typing import Any

# The format every process writes; the fields of `extra` follow the message.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

# The attributes every LogRecord has, and those formatters add (`message`, `asctime`): anything
# else on a record came from a call's `extra`.
_BLANK_RECORD = logging.LogRecord("", logging.INFO, "", 0, "", (), None)
RECORD_ATTRIBUTES = frozenset([*vars(_BLANK_RECORD), "message", "asctime", "taskName"])

# Extra fields that frameworks put on their records and that the line already says: Django's
# development server adds its own clock reading.
REPEATED_FIELDS = frozenset({"server_time"})


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The fields a call gave in `extra`, in the order it gave them."""
    return {
        key: value
        for key, value in vars(record).items()
        if key not in RECORD_ATTRIBUTES and key not in REPEATED_FIELDS and not key.startswith("_")
    }


def _plain_text(value: Any) -> str | None:
    """A field's value as text, or None when it is not plain data. Objects are left out: Django
    puts the request on every django.request record and Celery a dict of the task's arguments
    on its own; their text is neither stable nor safe (a request's repr holds its path)."""
    if value is None or isinstance(value, bool):
        return str(value)
    # Through the base type, so that a choice (TaskState.QUEUED, TaskPriority.BOOSTED) is
    # written as its value, not as its enum member.
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value)
    if isinstance(value, enum.Enum):
        return _plain_text(value.value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | datetime.timedelta):
        return str(value)
    if isinstance(value, list | tuple):
        items = [_plain_text(item) for item in value]
        if None not in items:
            return ",".join(items)
    return None


def _quoted(text: str) -> str:
    """A value as it is written after its key: quoted when it holds a space, a quote or an equals
    sign (or is empty), so that the line still splits into key=value pairs."""
    if text and not any(character.isspace() or character in '"=' for character in text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


class FieldsFormatter(logging.Formatter):
    """The project's line format, then the record's `extra` fields as key=value:

        2026-01-05 10:00:00,123 INFO applications.services task state changed task_id=7
        from=queued to=running actor=worker

    (one line). A record without extra fields prints exactly as the plain format would."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None, **kwargs: Any) -> None:
        super().__init__(fmt or LOG_FORMAT, datefmt, **kwargs)

    def formatMessage(self, record: logging.LogRecord) -> str:
        # Before the traceback, which Formatter.format appends on the lines after.
        line = super().formatMessage(record)
        pairs = []
        for key, value in extra_fields(record).items():
            text = _plain_text(value)
            if text is not None:
                pairs.append(f"{key}={_quoted(text)}")
        return " ".join([line, *pairs]) if pairs else line
