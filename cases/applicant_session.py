"""Who an online applicant is, for the online pages (portal) and the API alike.

A job seeker or employer who signed in on the online pages (with a code sent to their mobile)
has their applicant's id in the session under ``SESSION_KEY``. Staff sessions never carry it:
staff sign in with a password and a second factor, applicants never do. The portal writes it
(``applicant_sign_in``); the API reads it (``applicant_from_request``); neither imports the
other, both import this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from cases.models import Applicant

if TYPE_CHECKING:
    from django.http import HttpRequest

SESSION_KEY = "online_applicant_id"
SIGNED_IN_AT_KEY = "online_signed_in_at"


def applicant_sign_in(request: HttpRequest, applicant: Applicant) -> None:
    """Start an applicant's session: a new session key (no fixation), then the applicant."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = applicant.pk
    request.session[SIGNED_IN_AT_KEY] = timezone.now().isoformat()


def applicant_sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(SIGNED_IN_AT_KEY, None)
    request.session.cycle_key()


def applicant_from_request(request: HttpRequest) -> Applicant | None:
    """The signed-in applicant, or None (no session, or the applicant no longer exists)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    applicant_id = session.get(SESSION_KEY)
    if not isinstance(applicant_id, int):
        return None
    return Applicant.objects.filter(pk=applicant_id).first()
