"""State changes of online self-service. Sign-in with a code sent by text message:

- ``sign_in_code_send``: a new 6-digit code for a mobile, through the outbox and the SMS
  gateway adapter (the console backend by default: ``make run`` shows it in its log). Kept
  only as a keyed hash; valid for ``CODE_LIFETIME``; a new one only after ``RESEND_COOL_DOWN``;
  sending one makes every earlier unused code of the mobile void. One address asks for at most
  ``CODES_PER_ADDRESS_PER_HOUR`` codes an hour, whatever the numbers.
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
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.attachments import case_attachment_add
from cases.crypto import mobile_index, personal_data_index
from cases.identity import mobile_normalise, resident_id_parse, uscc_validate
from cases.intake import ApplicantGiven
from cases.models import Applicant, Case, Channel, NoticeItem, State, applicant_key
from cases.services import (
    CaseActionError,
    applicant_organisation_register,
    applicant_person_register,
    case_receive_materials,
    case_withdraw,
)
from markets.models import Market
from notifications.messages import applicant_language
from notifications.services import outbox_enqueue
from workflows.guidance.models import Referral
from workflows.guidance.services import referral_record
from workflows.postings.models import Posting
from workflows.postings.services import (
    posting_extend,
    posting_fill,
    posting_resubmit,
    posting_take_in,
    posting_withdraw,
)
from workflows.seekers.models import SeekerProfile
from workflows.seekers.services import SeekerVisit, seeker_register, seeker_update

from . import events
from .desk import online_desk
from .models import SignInCode, SignInFailure
from .selectors import seeker_registration_market

# What an applicant never sets on a posting: the screen's exceptions are a team lead's.
NOT_FROM_APPLICANTS = frozenset(
    {"screening_exceptions", "screening_justification", "market", "status", "employer", "case"}
)

CODE_LIFETIME = timedelta(minutes=5)
RESEND_COOL_DOWN = timedelta(seconds=60)
MAX_FAILURES = 5
LOCK_WINDOW = timedelta(minutes=15)
# Codes one address may ask for (to any numbers) within an hour: no text-message bombing.
CODES_PER_ADDRESS_PER_HOUR = 10
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
        mobile: str = self.code.mobile
        return mobile


def _hash(index: str, code: str) -> str:
    return salted_hmac("online.sign_in_code", f"{index}:{code}", algorithm="sha256").hexdigest()


def sign_in_code_address(code_id: str) -> str:
    """The mobile of the code ``code_id`` (the outbox's ``online-sign-in:<id>``)."""
    code = SignInCode.objects.filter(pk=int(code_id)).first() if code_id.isdigit() else None
    mobile: str = code.mobile if code is not None else ""
    return mobile


def _lock_reasons(index: str, address: str | None, now: datetime) -> list[str]:
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
            sent_from_here = (
                SignInCode.objects.filter(
                    address=address, created_at__gt=now - timedelta(hours=1)
                ).count()
                if address
                else 0
            )
            if sent_from_here >= CODES_PER_ADDRESS_PER_HOUR:
                events.sign_in_failed_event(mobile, address, reason="too_many_codes")
                refused = SignInRefused(
                    _("Too many codes were asked for from this device. Try again in an hour.")
                )
            elif last is not None and now - last.created_at < RESEND_COOL_DOWN:
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
                    address=address,
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
    row: SignInCode | None = None
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
    if refused is not None or row is None:
        raise refused or SignInRefused(_locked_message())
    return Verified(code=row)


def sign_in_record(*, verified: Verified, address: str | None, applicant: Applicant | None) -> None:
    """The audit event of a sign-in: as ``applicant``, or (None) as a verified mobile with no
    applicant yet, sent to registration."""
    events.signed_in_event(verified.mobile, address, applicant=applicant)


def sign_out_record(*, applicant: Applicant, address: str | None) -> None:
    events.signed_out_event(applicant, address)


# --- Registration -----------------------------------------------------------------------------
# The mobile is always the one proven by the code, never one typed on a form. A person or an
# organisation on record already is registered online only with that very mobile: an ID
# number or credit code typed online never reaches someone else's record (come to the counter).


def _record_with_other_mobile(known: Applicant | None, mobile: str) -> bool:
    return known is not None and known.mobile_index != mobile_index(mobile)


def _known_elsewhere(field: str) -> ValidationError:
    return ValidationError(
        {
            field: _(
                "This number is registered with another mobile number. Sign in with that "
                "number, or bring your ID to the market's counter to change it."
            )
        }
    )


@transaction.atomic
def online_seeker_register(
    *,
    mobile: str,
    market: Market,
    name: str,
    id_number: str,
    profile: Mapping[str, Any],
) -> SeekerProfile:
    """Register a job seeker online (real name: the ID number checked, GB 11643) through the
    counter's own ``seeker_register``, channel ``online``, taken in by the market's online
    desk. ValidationError per field, as ``seeker_register`` raises it."""
    number = _id_number_of_this_mobile(id_number, mobile)
    return seeker_register(
        actor=online_desk(market=market),
        market=market,
        channel=Channel.ONLINE,
        name=name,
        id_number=number,
        mobile=mobile,
        profile=profile,
    )


# What a seeker keeps current themselves (the online profile page, the API's ``PATCH /me/``);
# anything else of the record (name, ID number, mobile, difficulty categories) is the counter's.
SEEKER_SELF_SERVICE_FIELDS = (
    "household_type",
    "home_county",
    "wanted_occupations",
    "wanted_areas",
    "available_days",
    "available_from",
    "available_until",
    "min_daily_pay",
    "skills",
    "platform_consent",
)


@transaction.atomic
def online_seeker_update(*, applicant: Applicant, changes: Mapping[str, Any]) -> SeekerVisit:
    """The seeker keeps their profile current (``seeker_update``: only what changed is written,
    the profile's history keeps the earlier values), at the market of their registration.
    Only ``SEEKER_SELF_SERVICE_FIELDS`` are taken; anything else given is ignored."""
    changes = {name: value for name, value in changes.items() if name in SEEKER_SELF_SERVICE_FIELDS}
    seeker = SeekerProfile.objects.filter(applicant=applicant).first()
    if seeker is None:
        raise PermissionDenied
    market = seeker_registration_market(applicant=applicant)
    return seeker_update(
        actor=online_desk(market=market),
        market=market,
        seeker=seeker,
        changes=changes,
        channel=Channel.ONLINE,
    )


def _id_number_of_this_mobile(id_number: str, mobile: str) -> str:
    """The ID number checked (GB 11643) and normalised; refused when a record with it exists
    under another mobile (no one takes over another person's record online)."""
    try:
        resident = resident_id_parse(id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from error
    known = Applicant.objects.filter(
        applicant_key("id_number_index", personal_data_index(resident.number))
    ).first()
    if _record_with_other_mobile(known, mobile):
        raise _known_elsewhere("id_number")
    return resident.number


@transaction.atomic
def online_employer_register(
    *, mobile: str, market: Market, name: str, id_number: str = "", credit_code: str = ""
) -> Applicant:
    """Register an employer online: a person who hires (by ID number) or an organisation (by
    its unified social credit code), exactly one of the two."""
    id_number, credit_code = id_number.strip(), credit_code.strip()
    if bool(id_number) == bool(credit_code):
        raise ValidationError(
            {
                "credit_code": _(
                    "Give the unified social credit code of an organisation, or the ID number "
                    "of a person who hires."
                )
            }
        )
    desk = online_desk(market=market)
    if credit_code:
        try:
            code = uscc_validate(credit_code)
        except ValidationError as error:
            raise ValidationError({"credit_code": error.messages}) from error
        known = Applicant.objects.filter(applicant_key("credit_code", code)).first()
        if _record_with_other_mobile(known, mobile):
            raise _known_elsewhere("credit_code")
        return applicant_organisation_register(
            actor=desk, name=name, credit_code=code, mobile=mobile, market=market
        )
    number = _id_number_of_this_mobile(id_number, mobile)
    return applicant_person_register(
        actor=desk, name=name, id_number=number, mobile=mobile, market=market
    )


# --- Postings and cases -----------------------------------------------------------------------


@transaction.atomic
def online_posting_submit(
    *, applicant: Applicant, market: Market, data: Mapping[str, Any]
) -> Posting:
    """An employer submits a posting online: the counter's intake (``posting_take_in``: the
    same checks and lawful-content screen), channel ``online``, its review case waiting in
    the market's queue to be claimed, on the online review time limit. Never published at
    once; a screening exception is never granted online."""
    data = {key: value for key, value in data.items() if key not in NOT_FROM_APPLICANTS}
    return posting_take_in(
        actor=online_desk(market=market),
        market=market,
        employer=ApplicantGiven(
            name=applicant.name,
            id_number=applicant.id_number if applicant.kind == Applicant.Kind.PERSON else "",
            credit_code=applicant.credit_code,
            mobile=applicant.mobile,
        ),
        data=data,
        publish=False,
        channel=Channel.ONLINE,
        claimed=False,
    )


def online_posting_locked(*, applicant: Applicant, posting: Posting) -> Posting:
    """The applicant's own posting (as its employer), locked; anyone else's: Http404."""
    locked: Posting | None = (
        Posting.objects.select_for_update(of=("self",))
        .select_related("market")
        .filter(pk=posting.pk, employer=applicant)
        .first()
    )
    if locked is None:
        raise Http404
    return locked


@transaction.atomic
def online_posting_withdraw(*, applicant: Applicant, posting: Posting, reason: str) -> Posting:
    """The employer takes their own posting back (``posting_withdraw``: its review case, if
    still open, is withdrawn with it), through the market's online desk."""
    posting = online_posting_locked(applicant=applicant, posting=posting)
    return posting_withdraw(
        actor=online_desk(market=posting.market), posting=posting, reason=reason
    )


@transaction.atomic
def online_posting_fill(*, applicant: Applicant, posting: Posting) -> Posting:
    """The employer says every place of their published posting is taken (``posting_fill``):
    it leaves the screens."""
    posting = online_posting_locked(applicant=applicant, posting=posting)
    return posting_fill(actor=online_desk(market=posting.market), posting=posting)


@transaction.atomic
def online_posting_extend(*, applicant: Applicant, posting: Posting, end_date: Any) -> Posting:
    """The employer moves the last working day of their posting later, within the rules
    (``posting_extend``)."""
    posting = online_posting_locked(applicant=applicant, posting=posting)
    return posting_extend(
        actor=online_desk(market=posting.market), posting=posting, end_date=end_date
    )


@transaction.atomic
def online_posting_resubmit(
    *, applicant: Applicant, posting: Posting, data: Mapping[str, Any]
) -> Posting:
    """The employer's corrections of their posting returned with a single notice
    (``posting_resubmit``: checked and screened again, the notice's items received, the case
    back in progress for review). ``data`` holds only what changed; what an applicant never
    sets (``NOT_FROM_APPLICANTS``) is ignored."""
    posting = online_posting_locked(applicant=applicant, posting=posting)
    data = {key: value for key, value in data.items() if key not in NOT_FROM_APPLICANTS}
    return posting_resubmit(actor=online_desk(market=posting.market), posting=posting, data=data)


@transaction.atomic
def online_materials_hand_in(
    *,
    applicant: Applicant,
    case: Case,
    uploads: Mapping[int, UploadedFile],
) -> Case:
    """The applicant hands in missing items of the single notice online: each file checked and
    stored as the case's attachment (``case_attachment_add``), and the items received as at
    the counter (``case_receive_materials``: the case goes back in progress once none is
    outstanding). ``uploads``: notice item id -> file. Another's case: Http404."""
    case = online_case_locked(applicant=applicant, case=case)
    if case.state != State.AWAITING_MATERIALS:
        raise CaseActionError(_("This case is not waiting for materials."))
    pending = {
        item.pk: item
        for item in NoticeItem.objects.filter(notice__case=case, received_at__isnull=True)
    }
    chosen = [pending[pk] for pk in uploads if pk in pending]
    if not chosen:
        raise ValidationError({"items": _("Choose a file for at least one missing item.")})
    desk = online_desk(market=case.market)
    errors: dict[str, list[str]] = {}
    for item in chosen:
        try:
            case_attachment_add(actor=desk, case=case, upload=uploads[item.pk])
        except ValidationError as error:
            errors[f"item_{item.pk}"] = error.messages
    if errors:
        raise ValidationError(errors)
    return case_receive_materials(actor=desk, case=case, items=chosen)


@transaction.atomic
def online_case_withdraw(*, applicant: Applicant, case: Case, reason: str) -> Case:
    """The applicant withdraws their own open case (a posting's review case withdraws the
    posting with it, as at the counter)."""
    case = online_case_locked(applicant=applicant, case=case)
    desk = online_desk(market=case.market)
    posting = Posting.objects.filter(case=case).first()
    if posting is not None:
        posting_withdraw(actor=desk, posting=posting, reason=reason)
        withdrawn: Case = Case.objects.get(pk=case.pk)
        return withdrawn
    return case_withdraw(actor=desk, case=case, reason=reason)


def online_case_locked(*, applicant: Applicant, case: Case) -> Case:
    """The applicant's own case, locked; anyone else's: Http404."""
    locked: Case | None = (
        Case.objects.select_for_update()
        .select_related("market")
        .filter(pk=case.pk, applicant=applicant)
        .first()
    )
    if locked is None:
        raise Http404
    return locked


# --- Matching and applying --------------------------------------------------------------------


@transaction.atomic
def online_apply(*, applicant: Applicant, posting_id: int) -> Referral:
    """A job seeker applies for a published posting: a referral (推荐岗位) through the
    counter's ``referral_record``, made by the posting market's online desk (which is how the
    referral tells it came online), with the match's score and reasons. Not a seeker, or no
    such published posting: Http404; applied already: ValidationError."""
    seeker = SeekerProfile.objects.filter(applicant=applicant).first()
    posting = (
        Posting.objects.select_related("market").filter(pk=posting_id, status="published").first()
    )
    if seeker is None or posting is None:
        raise Http404
    return referral_record(
        actor=online_desk(market=posting.market),
        seeker=seeker,
        posting=posting,
        note=_("Applied online."),
    )
