"""Waiting for one's turn at a job site before each page action. The pacing rules live in
applications.services.pacing (`site_request_turn(site)`, Redis only, safe on the browser's
thread); without them every action may go at once."""

from __future__ import annotations

try:
    from applications.services.pacing import site_request_turn
except ImportError:

    def site_request_turn(site: str) -> None:
        """No pacing: every action goes at once."""


__all__ = ["site_request_turn"]
