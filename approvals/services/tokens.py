"""Link tokens: 256 random bits each, stored as a hash (what a link is found by) and sealed with
Fernet under a key from the settings (what lets a reminder carry the same link again). Neither
form in the database opens a link without the settings' key."""

from __future__ import annotations

import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from approvals.models import token_hash
from core.keys import fernet_for

# 256 bits of randomness in every link.
TOKEN_BYTES = 32

__all__ = ["TOKEN_BYTES", "token_hash", "token_new", "token_seal", "token_unseal"]


def token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _fernet() -> Fernet:
    # APPROVAL_LINK_KEY when set (a Fernet key), else one derived from SECRET_KEY.
    return fernet_for(key=settings.APPROVAL_LINK_KEY, purpose="approval links")


def token_seal(token: str) -> str:
    return _fernet().encrypt(token.encode()).decode()


def token_unseal(sealed: str) -> str | None:
    """The token in clear, or None when it cannot be read (sealed under another key)."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None
