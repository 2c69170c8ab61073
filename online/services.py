"""State changes of online self-service. Sign-in with a code sent by text message:

- ``sign_in_code_send``: a new 6-digit code for a mobile, through the outbox and the SMS
  gateway adapter (the console backend by default: ``make run`` shows it in its log). Kept
  only as a keyed hash; valid for ``CODE_LIFETIME``; a new one only after ``RESEND_COOL_DOWN``;
  sending one makes every earlier unused code of the mobile void.
- ``sign_in_code_verify``: the code typed; right, unexpired and unused, it is used up (a
  replay fails). Every wrong try (also an expired or used code) is a failure counted against
  the mobile and against the client's address: ``MAX_FAILURES`` failures within
  ``LOCK_WINDOW`` lock that mobile, or that address, until the oldest of them is older than
  ``LOCK_WINDOW`` (at most ``LOCK_WINDOW`` after the last failure). While locked, no code is
  sent and none accepted, not even the right one.

Every code sent, sign-in, failure and lock-out is an audit event (the mobile masked).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.crypto import mobile_index
from cases.identity import mobile_normalise
from cases.models import Applicant
from notifications.messages import applicant_language
from notifications.services import outbox_enqueue

from . import events
from .models import SignInCode, SignInFailure

CODE_LIFETIME = timedelta(minutes=5)
RESEND_COOL_DOWN = timedelta(seconds=60)
MAX_FAILURES = 5
LOCK_WINDOW = timedelta(minutes=15)
SIGN_IN_SCHEME = "online-sign-in"

SMS_CODE = gettext_lazy(
    "Your sign-in code is %(code)s, valid for %(minutes)d minutes. Never tell anyone this code."
)


class SignInRefused(Exception):
    """The code was not sent, or not accepted; ``message`` says why, for the applicant."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Verified:
    """A mobile proven by its code: the code's row holds it (encrypted)."""

    code: SignInCode

    @property
    def mobile(self) -> str:
        return self.code.mobile


def _hash(index: str, code: str) -> str:
    return salted_hmac("online.sign_in_code", f"{index}:{code}", algorithm="sha256").hexdigest()


def sign_in_code_address(code_id: str) -> str:
    """The mobile of the code ``code_id`` (the outbox's ``online-sign-in:<id>``)."""
    code = SignInCode.objects.filter(pk=int(code_id)).first() if code_id.isdigit() else None
    return code.mobile if code is not None else ""


def _lock_reasons(index: str, address: str | None, now: timezone.datetime) -> list[str]:
    since = now - LOCK_WINDOW
    reasons = []
    if SignInFailure.objects.filter(mobile_index=index, at__gt=since).count() >= MAX_FAILURES:
        reasons.append("mobile")
    if (
        address
        and SignInFailure.objects.filter(address=address, at__gt=since).count() >= MAX_FAILURES
    ):
        reasons.append("address")
    return reasons


def _locked_message() -> str:
    return _(
        "Too many wrong codes: signing in with this number, or from this device, is locked "
        "for %(minutes)d minutes."
    ) % {"minutes": int(LOCK_WINDOW.total_seconds() // 60)}


def _mobile_clean(mobile: str) -> str:
    try:
        return mobile_normalise(mobile or "")
    except ValidationError as error:
        raise ValidationError({"mobile": error.messages}) from error


def sign_in_code_send(*, mobile: str, address: str | None) -> SignInCode:
    """Send a new code to ``mobile``. Raises ValidationError (not a mobile number) or
    SignInRefused (locked, or the last code was sent less than ``RESEND_COOL_DOWN`` ago)."""
    mobile = _mobile_clean(mobile)
    index = mobile_index(mobile)
    now = timezone.now()
    refused: SignInRefused | None = None
    with transaction.atomic():
        if _lock_reasons(index, address, now):
            events.sign_in_failed_event(mobile, address, reason="locked")
            refused = SignInRefused(_locked_message())
        else:
            last = (
                SignInCode.objects.select_for_update()
                .filter(mobile_index=index)
                .order_by("-created_at")
                .first()
            )
            if last is not None and now - last.created_at < RESEND_COOL_DOWN:
                wait = int((RESEND_COOL_DOWN - (now - last.created_at)).total_seconds()) + 1
                events.sign_in_failed_event(mobile, address, reason="cool_down")
                refused = SignInRefused(
                    _("A code was sent a moment ago: you may ask for another in %(s)d seconds.")
                    % {"s": wait},
                    retry_after=wait,
                )
            else:
                SignInCode.objects.filter(mobile_index=index, used_at__isnull=True).update(
                    expires_at=now
                )
                code = f"{secrets.randbelow(10**6):06d}"
                row = SignInCode.objects.create(
                    mobile=mobile,
                    mobile_index=index,
                    code_hash=_hash(index, code),
                    created_at=now,
                    expires_at=now + CODE_LIFETIME,
                )
                with translation.override(applicant_language()):
                    body = str(SMS_CODE) % {
                        "code": code,
                        "minutes": int(CODE_LIFETIME.total_seconds() // 60),
                    }
                outbox_enqueue(
                    channel="sms",
                    to=f"{SIGN_IN_SCHEME}:{row.pk}",
                    body=body,
                    idempotency_key=f"{SIGN_IN_SCHEME}:{row.pk}",
                )
                events.sign_in_code_sent_event(mobile, address)
    if refused is not None:
        raise refused
    return row


def sign_in_code_verify(*, mobile: str, code: str, address: str | None) -> Verified:
    """Check the code typed for ``mobile``; right, it is used up. Raises ValidationError (not a
    mobile number) or SignInRefused (wrong, expired or used code; locked). A refusal's
    failure row and audit event are kept (they are committed before it is raised)."""
    mobile = _mobile_clean(mobile)
    index = mobile_index(mobile)
    code = (code or "").strip()
    now = timezone.now()
    refused: SignInRefused | None = None
    with transaction.atomic():
        if _lock_reasons(index, address, now):
            events.sign_in_failed_event(mobile, address, reason="locked")
            refused = SignInRefused(_locked_message())
        else:
            row = (
                SignInCode.objects.select_for_update()
                .filter(mobile_index=index, used_at__isnull=True, expires_at__gt=now)
                .order_by("-created_at")
                .first()
            )
            if (
                row is None
                or len(code) != 6
                or not hmac.compare_digest(row.code_hash, _hash(index, code))
            ):
                SignInFailure.objects.create(mobile_index=index, address=address, at=now)
                events.sign_in_failed_event(mobile, address, reason="wrong_code")
                reasons = _lock_reasons(index, address, now)
                if reasons:
                    events.locked_out_event(mobile, address, by="+".join(reasons))
                    refused = SignInRefused(_locked_message())
                else:
                    refused = SignInRefused(
                        _(
                            "The code is wrong, or it has expired or been used already. "
                            "Check it, or ask for a new one."
                        )
                    )
            else:
                row.used_at = now
                row.save(update_fields=["used_at"])
    if refused is not None:
        raise refused
    return Verified(code=row)


def sign_in_record(*, verified: Verified, address: str | None, applicant: Applicant | None) -> None:
    """The audit event of a sign-in: as ``applicant``, or (None) as a verified mobile with no
    applicant yet, sent to registration."""
    events.signed_in_event(verified.mobile, address, applicant=applicant)


def sign_out_record(*, applicant: Applicant, address: str | None) -> None:
    events.signed_out_event(applicant, address)
