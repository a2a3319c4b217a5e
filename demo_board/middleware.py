"""The job site's session: started at the first visit with an absolute expiry (now + TTL, not
renewed by later visits), and required by every view that takes an application.

A view marked `@session_required` (demo_board.views.common) that is posted to without a live
session answers 401, "Your session has expired", and records nothing. So does a visit that
brings the cookie of a session that has ended, as a site that signs its visitors in says so
rather than silently starting over; the answer drops the ended session's cookie (a page's
answer comes with a new session), so that the next visit starts afresh. This middleware runs
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
        if required is None:
            return None
        started = STARTED in request.session
        # Loading a session that has ended (or never was) leaves it without a key.
        ended = (
            settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.session_key is None
        )
        if ended or (request.method == "POST" and not started):
            from demo_board.views.common import session_expired

            # A script-driven form's POST is answered in JSON; its page, in HTML.
            as_json = required == "json" and request.method == "POST"
            answer = session_expired(request, as_json=as_json)
            answer.delete_cookie(settings.SESSION_COOKIE_NAME)
            return answer
        if not started:
            now = timezone.now()
            request.session[STARTED] = now.isoformat()
            # A datetime, not seconds: Django keeps it in the session, so saving the session
            # again later does not push the expiry back.
            request.session.set_expiry(now + timedelta(seconds=settings.DEMO_BOARD_SESSION_TTL))
        return None
