"""How Applyline's processes write their logs: one line per record, its `extra` fields after the
message as key=value, and no approval or API token anywhere in it.

Used by Django's LOGGING (config/settings.py), which the Celery worker and beat use too, and by
the web process's uvicorn (config/uvicorn-logging.json). Imports nothing from Django, so that
uvicorn can load it before the application."""

import contextlib
import datetime
import decimal
import enum
import logging
import re
import uuid
from typing import Any

# The format every process writes; the fields of `extra` follow the message.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

# The attributes every LogRecord has, and those formatters add (`message`, `asctime`): anything
# else on a record came from a call's `extra`.
_BLANK_RECORD = logging.LogRecord("", logging.INFO, "", 0, "", (), None)
RECORD_ATTRIBUTES = frozenset([*vars(_BLANK_RECORD), "message", "asctime", "taskName"])

# Extra fields that frameworks put on their records and that the line already says: Django's
# development server adds its own clock reading, uvicorn a copy of its message with terminal
# colours.
REPEATED_FIELDS = frozenset({"server_time", "color_message"})


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


# What must never reach a log, each with what is written instead:
# - the token of an approval link, a path segment after /by-token/ (the API), /approve/ or
#   /reject/ (the review page): Django's "Not Found: <path>" and uvicorn's access log write
#   the path of every request;
# - a token given as a query parameter;
# - the credential of an Authorization header (DRF's "Token <key>", "Bearer <key>"), and the
#   session and CSRF cookies, which uvicorn's TRACE level writes with the request's headers.
SECRETS = re.compile(
    r"(?P<path>/(?:by-token|approve|reject)/)[^/?#\s\"'<>\\]+"
    r"|(?P<query>[?&;](?:token|access_token|api_key|key)=)[^&#\s\"'<>\\]+"
    r"|(?P<scheme>\b(?:token|bearer)\s+)[A-Za-z0-9._~+/-]{20,}=*"
    r"|(?P<cookie>\b(?:sessionid|csrftoken)=)[^;\s\"'<>\\]+",
    re.IGNORECASE,
)
REDACTED = "[token]"


def redact(text: str) -> str:
    """`text` with every token in it replaced by [token]."""
    return SECRETS.sub(lambda match: f"{match.group(match.lastgroup)}{REDACTED}", text)


def _redacted_args(args: Any) -> Any:
    if isinstance(args, tuple):
        return tuple(redact(arg) if isinstance(arg, str) else arg for arg in args)
    if isinstance(args, dict):
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in args.items()
        }
    return args


class RedactTokens(logging.Filter):
    """Replaces the tokens in a record (its message, arguments, text fields and traceback) with
    [token] before any handler writes it. On every handler: a record that reaches a handler is
    changed in place, so the handlers after it see it redacted too."""

    def filter(self, record: logging.LogRecord) -> bool:
        # A record whose arguments do not fit its message is the handler's to report (as
        # "--- Logging error ---"); a filter that raised would break the code that logged.
        with contextlib.suppress(Exception):
            self._redact(record)
        return True

    def _redact(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        record.args = _redacted_args(record.args)
        if record.args:
            # An argument that is not a string may still print a token (a request's repr does):
            # then the message is written out, redacted, in place of the template.
            message = record.getMessage()
            redacted = redact(message)
            if redacted != message:
                record.msg, record.args = redacted, ()
        for key, value in extra_fields(record).items():
            if isinstance(value, str):
                setattr(record, key, redact(value))
        if record.exc_info and not record.exc_text:
            # Formatted here, as every formatter would, so that the traceback (an exception's
            # message may quote the path) is redacted too; formatters reuse exc_text.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
