"""What the online pages keep in the session besides the applicant (``cases.applicant_session``):
the code being typed (``PENDING``) and a mobile proven by its code with no applicant yet
(``VERIFIED``), both as the id of the code's row, which holds the mobile encrypted."""

from __future__ import annotations

from django.http import HttpRequest

from online.models import SignInCode
from online.selectors import sign_in_code_get

PENDING = "online_pending_code_id"
VERIFIED = "online_verified_code_id"
# The market whose kiosk or notice board the applicant came from (the forms start with it).
MARKET = "online_market_id"


def code_from_session(request: HttpRequest, key: str) -> SignInCode | None:
    return sign_in_code_get(pk=request.session.get(key))


def verified_mobile(request: HttpRequest) -> str | None:
    """The mobile proven in this session (signed in or awaiting registration), or None."""
    code = code_from_session(request, VERIFIED)
    return code.mobile if code is not None and code.used_at is not None else None
