"""One function per business event of online sign-in, each writing one row of the event log.

The mobile is only ever recorded masked (``138****8000``); the code never."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from audit.services import TargetRef, event_record
from cases.identity import mobile_mask
from cases.models import Applicant

CODE_SENT = "online.sign_in_code_sent"
SIGNED_IN = "online.signed_in"
SIGN_IN_FAILED = "online.sign_in_failed"
LOCKED_OUT = "online.locked_out"
SIGNED_OUT = "online.signed_out"

ACTION_LABELS = {
    CODE_SENT: _("Online sign-in code sent"),
    SIGNED_IN: _("Signed in online"),
    SIGN_IN_FAILED: _("Online sign-in refused"),
    LOCKED_OUT: _("Online sign-in locked"),
    SIGNED_OUT: _("Signed out online"),
}


def _mobile(mobile: str) -> TargetRef:
    return TargetRef(type="online.mobile", label=mobile_mask(mobile))


def _record(
    action: str, mobile: str, address: str | None, *, success: bool = True, **values: Any
) -> AuditEvent:
    return event_record(
        action=action,
        target=_mobile(mobile),
        new_values={"mobile": mobile_mask(mobile), **values},
        ip_address=address,
        success=success,
    )


def sign_in_code_sent_event(mobile: str, address: str | None) -> AuditEvent:
    return _record(CODE_SENT, mobile, address)


def signed_in_event(mobile: str, address: str | None, *, applicant: Applicant | None) -> AuditEvent:
    """``applicant`` None: a verified mobile with no applicant yet (sent to registration)."""
    return _record(
        SIGNED_IN, mobile, address, applicant_id=applicant.pk if applicant is not None else None
    )


def sign_in_failed_event(mobile: str, address: str | None, *, reason: str) -> AuditEvent:
    """``reason``: ``wrong_code`` (also an expired or used one), ``locked``, ``cool_down`` or
    ``too_many_codes`` (from one address)."""
    return _record(SIGN_IN_FAILED, mobile, address, success=False, reason=reason)


def locked_out_event(mobile: str, address: str | None, *, by: str) -> AuditEvent:
    """The try that reached the limit: ``by`` ``mobile`` or ``address`` (or both)."""
    return _record(LOCKED_OUT, mobile, address, success=False, by=by)


def signed_out_event(applicant: Applicant, address: str | None) -> AuditEvent:
    return event_record(
        action=SIGNED_OUT,
        target=applicant,
        new_values={"applicant_id": applicant.pk},
        ip_address=address,
    )
