"""The job site's session: started at the first visit with an absolute expiry (now + TTL, not
renewed by later visits), and required by every view that takes an application.

A view marked `@session_required` (demo_board.views.common) that is posted to without a live
session answers 401, "Your session has expired", and records nothing. This middleware runs
before CSRF's: with the CSRF token kept in the session, a dead session would otherwise read as a
bad token (403)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

STARTED = "board_started_at"


class BoardSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        required = getattr(view_func, "board_session_required", None)
        if request.method == "POST" and required is not None and STARTED not in request.session:
            from demo_board.views.common import session_expired

            return session_expired(request, as_json=required == "json")
        if required is not None and STARTED not in request.session:
            now = timezone.now()
            request.session[STARTED] = now.isoformat()
            # A datetime, not seconds: Django keeps it in the session, so saving the session
            # again later does not push the expiry back.
            request.session.set_expiry(now + timedelta(seconds=settings.DEMO_BOARD_SESSION_TTL))
        return None
