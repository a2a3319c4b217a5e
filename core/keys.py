"""Fernet keys for what Applyline seals at rest: a key of its own from the settings, or one
derived from SECRET_KEY for one purpose, so that no two purposes share a key and a deployment
needs only SECRET_KEY."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet
from django.conf import settings


def fernet_for(*, key: str, purpose: str) -> Fernet:
    """`key` when set (a Fernet key from the settings), else one derived from SECRET_KEY and
    `purpose` (e.g. "approval links")."""
    return Fernet(
        key
        or base64.urlsafe_b64encode(
            hashlib.sha256(f"applyline {purpose} {settings.SECRET_KEY}".encode()).digest()
        )
    )
