"""A user's notification endpoints: webhooks (Standard Webhooks, with a secret of their own),
Slack incoming webhooks and Apprise URLs."""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any

from apprise.manager_plugins import NotificationManager
from django.shortcuts import get_object_or_404

from approvals.models import EndpointKind, NotificationEndpoint
from approvals.services.tokens import token_seal

# The secret's bytes: Standard Webhooks asks for 24 to 64.
SECRET_BYTES = 24


def webhook_secret_new() -> str:
    """A Standard Webhooks secret: `whsec_` and the base64 of random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def endpoint_create(
    *, user: Any, kind: str, url: str, name: str = ""
) -> tuple[NotificationEndpoint, str | None]:
    """A new endpoint of the user's, and for a webhook its secret in clear: the only time it
    is shown (it is kept sealed). The URL is checked by the API's input (its schema)."""
    secret = webhook_secret_new() if kind == EndpointKind.WEBHOOK else None
    endpoint = NotificationEndpoint.objects.create(
        user=user,
        kind=kind,
        url=url,
        name=name,
        sealed_secret=token_seal(secret) if secret else "",
    )
    return endpoint, secret


def endpoint_delete(*, user: Any, endpoint_id: int) -> None:
    """Remove one of the user's endpoints (404 for another's); its messages not yet sent fail
    when their turn comes."""
    get_object_or_404(NotificationEndpoint, pk=endpoint_id, user=user).delete()


# What the API takes as each kind's URL, which is what its schema says
# (approvals.notifications_api): for webhooks and Slack, an http(s) URL; for Apprise, a URL of
# one of the services Apprise knows (its own checks of the rest come when it sends).
_PATH = r"[A-Za-z0-9\-._~%!$&'()*+,;=:@/]"
HTTP_URL = rf"^https?://[A-Za-z0-9.\-]+(:[0-9]{{1,5}})?(/{_PATH}*)?(\?({_PATH}|\?)*)?$"
APPRISE_SCHEMES = sorted(NotificationManager().schemas())
APPRISE_URL = rf"^({'|'.join(re.escape(scheme) for scheme in APPRISE_SCHEMES)})://[!-~]+$"
URL_PATTERNS = {
    EndpointKind.WEBHOOK: HTTP_URL,
    EndpointKind.SLACK: HTTP_URL,
    EndpointKind.APPRISE: APPRISE_URL,
}
