"""The demo's mailbox: Django's console e-mail backend, written to the process' own standard
output. A Celery worker replaces sys.stdout with a logger, whose handler takes every link's
token out (config/logging.py); an e-mail printed there would carry a link that opens nothing.
The terminal is the mailbox here, not a log, so it gets the message whole."""

import sys
from typing import Any

from django.core.mail.backends import console


class ConsoleEmailBackend(console.EmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream", sys.__stdout__)
        super().__init__(*args, **kwargs)
