"""What the configured console handler writes, read back in a test."""

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager


def console_handler() -> logging.Handler:
    """The root logger's handler named "console" in settings.LOGGING, as Django configured it."""
    return next(handler for handler in logging.getLogger().handlers if handler.name == "console")


@contextmanager
def console_output() -> Iterator[io.StringIO]:
    """The text the console handler writes meanwhile, with its own filters and formatter."""
    handler = console_handler()
    output = io.StringIO()
    previous = handler.setStream(output)
    try:
        yield output
    finally:
        handler.setStream(previous)
