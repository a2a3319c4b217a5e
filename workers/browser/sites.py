"""Which site a posting is on, and which requests its page may make: a context only reaches the
posting's own site, so that a page cannot send the applicant's data (or the browser's) anywhere
else, nor load trackers.

The demo board is one origin (scheme, host and port); a real job site is its host and that
host's own subdomains."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

# Requests that reach no network.
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})


def is_demo_board(url: str) -> bool:
    board = urlsplit(settings.DEMO_BOARD_URL)
    parts = urlsplit(url)
    return (parts.hostname, parts.port) == (board.hostname, board.port)


def same_site(posting_url: str, request_url: str) -> bool:
    """Whether a page of the posting may request `request_url`."""
    request = urlsplit(request_url)
    if request.scheme in LOCAL_SCHEMES:
        return True
    posting = urlsplit(posting_url)
    if request.scheme not in ("http", "https") or not request.hostname or not posting.hostname:
        return False
    host, own = request.hostname.lower(), posting.hostname.lower()
    if host == own or host.endswith("." + own):
        # An address (the demo board's, a test's) is one origin: its port is part of it.
        if _is_address(own) or is_demo_board(posting_url):
            return (request.scheme, host, request.port) == (posting.scheme, own, posting.port)
        return request.scheme == "https" or request.scheme == posting.scheme
    return False


def _is_address(host: str) -> bool:
    return host == "localhost" or host.replace(".", "").isdigit() or ":" in host
