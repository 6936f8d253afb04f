"""Session rules for signed-in users: idle timeout and absolute lifetime; request context for logs."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout

from .security_log import current_request, security_event

_STARTED = "_auth_started_at"
_SEEN = "_auth_last_seen_at"


class SessionTimeoutMiddleware:
    """Log out after ``SESSION_IDLE_TIMEOUT`` seconds without a request or ``SESSION_ABSOLUTE_TIMEOUT``
    after sign-in, whichever comes first. Stored in the session, so any process may serve the user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            self._enforce(request)
            return self.get_response(request)
        finally:
            current_request.reset(token)

    def _enforce(self, request) -> None:
        user = getattr(request, "user", None)
        if user is None:
            return
        if not user.is_authenticated:
            if SESSION_KEY in request.session:
                # The session names a user who can no longer sign in (deactivated or deleted).
                security_event("session_ended", request=request, reason="user inactive")
                logout(request)
            return
        now = int(time.time())
        session = request.session
        started = session.setdefault(_STARTED, now)
        last_seen = session.get(_SEEN, now)
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            reason = "idle"
        elif now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
            reason = "absolute"
        else:
            # Write at most once a minute so busy pages do not rewrite the session every time.
            if now - last_seen >= 60 or _SEEN not in session:
                session[_SEEN] = now
            return
        security_event("session_expired", request=request, user=user, reason=reason)
        logout(request)


def session_mark_signed_in(sender, request, user, **kwargs) -> None:
    """Start both clocks at sign-in (connected to ``user_logged_in``)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[_STARTED] = now
        request.session[_SEEN] = now
