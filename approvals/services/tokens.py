"""Link tokens: 256 random bits each, stored as a hash (what a link is found by) and sealed with
Fernet under a key from the settings (what lets a reminder carry the same link again). Neither
form in the database opens a link without the settings' key."""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from approvals.models import token_hash

# 256 bits of randomness in every link.
TOKEN_BYTES = 32

__all__ = ["TOKEN_BYTES", "token_hash", "token_new", "token_seal", "token_unseal"]


def token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _fernet() -> Fernet:
    # APPROVAL_LINK_KEY when set (a Fernet key), else one derived from SECRET_KEY.
    key = settings.APPROVAL_LINK_KEY or base64.urlsafe_b64encode(
        hashlib.sha256(f"applyline approval links {settings.SECRET_KEY}".encode()).digest()
    )
    return Fernet(key)


def token_seal(token: str) -> str:
    return _fernet().encrypt(token.encode()).decode()


def token_unseal(sealed: str) -> str | None:
    """The token in clear, or None when it cannot be read (sealed under another key)."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None
