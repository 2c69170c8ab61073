"""Sign-in rules enforced on every request: session lifetime, the second factor, password age.

Order in MIDDLEWARE matters: SessionLifetimeMiddleware runs before Django's
LoginRequiredMiddleware (an expired session becomes anonymous and is sent to sign in), and
SecondFactorRequiredMiddleware after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device

from accounts.otp import is_verified

from .sessions import LAST_SEEN_AT, SIGNED_IN_AT, session_time

# Write the last-seen time at most this often, not on every request.
_LAST_SEEN_RESOLUTION_SECONDS = 30


class SessionLifetimeMiddleware:
    """Ends a session idle for longer than SESSION_IDLE_TIMEOUT or older than
    SESSION_ABSOLUTE_LIFETIME, and tells the user why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now()
            signed_in_at = session_time(request, SIGNED_IN_AT)
            last_seen_at = session_time(request, LAST_SEEN_AT)
            if signed_in_at is None or last_seen_at is None:
                self._end(request, _("Please sign in again."))
            elif now - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME:
                self._end(
                    request, _("Your session has reached its maximum length. Please sign in again.")
                )
            elif now - last_seen_at > settings.SESSION_IDLE_TIMEOUT:
                self._end(
                    request,
                    _("Your session expired after a period of inactivity. Please sign in again."),
                )
            elif (now - last_seen_at).total_seconds() > _LAST_SEEN_RESOLUTION_SECONDS:
                request.session[LAST_SEEN_AT] = now.isoformat()
        return self.get_response(request)

    @staticmethod
    def _end(request: HttpRequest, message: str) -> None:
        logout(request)
        messages.warning(request, message)


class SecondFactorRequiredMiddleware:
    """A signed-in user who has not passed the second factor reaches only the enrolment page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if (
            not user.is_authenticated
            or is_verified(user)
            or not getattr(view_func, "login_required", True)
            or not getattr(view_func, "second_factor_required", True)
        ):
            return None
        if user_has_device(user):
            # Signed in with a password only although an authenticator exists: not allowed.
            logout(request)
            return redirect(settings.LOGIN_URL)
        return redirect("accounts:otp_setup")


class PasswordExpiryMiddleware:
    """Sends a user whose password is older than PASSWORD_MAX_AGE to change it first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if (
            user.is_authenticated
            and is_verified(user)
            and getattr(view_func, "login_required", True)
            and not getattr(view_func, "password_expiry_exempt", False)
            and user.password_expired
        ):
            messages.warning(request, _("Your password has expired. Please choose a new one."))
            return redirect("accounts:password_change")
        return None
