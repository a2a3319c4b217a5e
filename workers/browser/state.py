"""A task's browser storage state (the job site's cookies and local storage), sealed with Fernet
before it goes into the checkpoint: the checkpoint is shown in the admin and the API, and a
session cookie there would let anyone who reads it act as the applicant on the site."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from core.keys import fernet_for


def _fernet() -> Fernet:
    return fernet_for(key=settings.BROWSER_STATE_KEY, purpose="browser storage state")


def state_seal(state: dict[str, Any]) -> str:
    return _fernet().encrypt(json.dumps(state, separators=(",", ":")).encode()).decode()


def state_unseal(sealed: str | None) -> dict[str, Any] | None:
    """The storage state, or None when there is none or it cannot be read (sealed under another
    key): the task then starts the site's session afresh."""
    if not sealed:
        return None
    try:
        return json.loads(_fernet().decrypt(sealed.encode()))
    except (InvalidToken, ValueError):
        return None
