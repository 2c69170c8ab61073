"""Job-seeker registration (求职登记, standard art. 16) and guidance (art. 18).

``seeker_register`` is one counter visit: the person is registered as an applicant (a known one
is used unchanged), their profile created or completed (a blank never erases a value), and a
registration case opened when something changed; a complete registration is resolved and
closed in the same sitting. ``seeker_update`` is the deliberate change of a known profile.
Errors:

- ``django.core.exceptions.ValidationError``: bad input, with messages per field (``name``,
  ``id_number``, ``mobile`` and every profile field), all of them at once;
- ``django.core.exceptions.PermissionDenied``: the officer does not work in that market.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import permissions as can
from cases.fsm import save_with_history
from cases.models import Applicant, Case, Channel, State
from cases.services import (
    ApplicantFound,
    applicant_person_find_or_register,
    case_close,
    case_open,
    case_resolve,
)
from markets.models import REGION_CODE, Division, Market, Region
from markets.services import region_ensure

from . import events
from .flow import SEEKER_REGISTRATION
from .models import (
    MAX_DAILY_PAY,
    DifficultyCategory,
    GuidanceItem,
    HouseholdType,
    SeekerProfile,
    Weekday,
)
from .rules import age_on, code_normalise, occupation_code_valid
from .selectors import seeker_missing_items
from .signals import seeker_registered

# The keys ``profile`` may hold. A key left out keeps the value on record (nothing, for a new
# profile); a key given as None, "" or [] clears it.
PROFILE_FIELDS = (
    "household_type",
    "home_county",
    "wanted_occupations",
    "wanted_areas",
    "available_days",
    "available_from",
    "available_until",
    "min_daily_pay",
    "training_wish",
    "training_occupations",
    "skills",
    "certificates",
    "years_of_experience",
    "difficulty_categories",
    "platform_consent",
)
MAX_CODES = 20
MAX_CERTIFICATES = 20
CERTIFICATE_MAX = 100
TEXT_MAX = 2000
MAX_YEARS = 60
# Labour Law of the PRC, art. 15: nobody may take on a minor under 16 (禁止招用童工).
MIN_AGE = 16
# 4050: women aged 40 or over, men aged 50 or over.
AGE_4050 = {"female": 40, "male": 50}


# --- Cleaning the profile ---------------------------------------------------------------------
# Each cleaner takes what the caller gave and returns the value to store, or raises a
# ValidationError whose message is for the person at the counter.


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ValidationError(_("Give the %(what)s as a list.") % {"what": what})
    return list(value)


def _unique(values: Sequence[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def _occupation_codes(value: Any) -> list[str]:
    items = _list(value, _("occupation codes"))
    if not all(isinstance(item, str) for item in items):
        raise ValidationError(_("Give each occupation code as text, such as 4-03-02-01."))
    codes = _unique([code_normalise(item) for item in items if item.strip()])
    bad = [code for code in codes if not occupation_code_valid(code)]
    if bad:
        raise ValidationError(
            _(
                "These occupation codes are not well-formed: %(codes)s. A code of the national "
                "occupational classification looks like 4-03-02-01: a digit from 1 to 8, then "
                "two digits for each further level."
            )
            % {"codes": ", ".join(bad)}
        )
    if len(codes) > MAX_CODES:
        raise ValidationError(_("Choose at most %(max)d occupations.") % {"max": MAX_CODES})
    return codes


def _region_codes(value: Any) -> list[str]:
    items = _list(value, _("region codes"))
    if not all(isinstance(item, str) for item in items):
        raise ValidationError(_("Give each region by its six-digit division code, as text."))
    codes = _unique([code_normalise(item) for item in items if item.strip()])
    bad = [code for code in codes if REGION_CODE.match(code) is None]
    if bad:
        raise ValidationError(
            _("These are not six-digit division codes: %(codes)s.") % {"codes": ", ".join(bad)}
        )
    if len(codes) > MAX_CODES:
        raise ValidationError(_("Choose at most %(max)d areas.") % {"max": MAX_CODES})
    known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    known |= set(
        Division.objects.filter(code__in=codes, is_current=True).values_list("code", flat=True)
    )
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(
            _("There is no region with these codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return codes


def _household_type(value: Any) -> str:
    if value in (None, ""):
        return ""
    if value not in HouseholdType.values:
        raise ValidationError(_("Choose an urban or a rural household registration."))
    return str(value)


def _home_county(value: Any) -> Region | None:
    if value in (None, ""):
        return None
    if isinstance(value, Region):
        region = value
    elif isinstance(value, str):
        code = code_normalise(value)
        if REGION_CODE.match(code) is None:
            raise ValidationError(
                _(
                    "“%(text)s” names no county or district, or several: give its six-digit "
                    "division code."
                )
                % {"text": value.strip()}
            )
        found = region_ensure(code=code, actor=None)
        if found is None:
            raise ValidationError(
                _("There is no region with the code %(code)s.") % {"code": value.strip()}
            )
        region = found
    else:
        raise ValidationError(_("Choose the county of household registration."))
    if region.level != Region.Level.COUNTY:
        raise ValidationError(
            _("Choose a county or district, not a province or city (%(region)s).")
            % {"region": region}
        )
    return region


def _weekdays(value: Any) -> list[int]:
    items = _list(value, _("days available"))
    days = []
    for item in items:
        if isinstance(item, str) and item.strip().isdigit():
            item = int(item)
        if isinstance(item, bool) or not isinstance(item, int) or item not in Weekday.values:
            raise ValidationError(_("Days are numbered from 1 (Monday) to 7 (Sunday)."))
        days.append(item)
    return sorted(set(days))


def _time(value: Any) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError(_("Enter a time of day, such as 08:30."))


def _daily_pay(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    amount = Decimal("NaN")
    if not isinstance(value, bool) and isinstance(value, int | float | str | Decimal):
        with suppress(InvalidOperation):
            amount = Decimal(str(value).strip())
    if not amount.is_finite():
        raise ValidationError(_("Enter the lowest daily pay expected in yuan, such as 180."))
    if amount <= 0:
        raise ValidationError(_("The lowest daily pay expected must be more than 0 yuan."))
    if amount > MAX_DAILY_PAY:
        raise ValidationError(
            _(
                "The lowest daily pay expected can be at most %(max)s yuan a day: check the "
                "amount (a daily figure, not a monthly or yearly one)."
            )
            % {"max": f"{MAX_DAILY_PAY:,}"}
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(_("Give the daily pay to the fen at most (two decimals)."))
    return amount.quantize(Decimal("0.01"))


def _free_text(value: Any) -> str:
    """Kept exactly as typed (trimmed): text, never markup; pages escape it when they show it."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_("Enter text."))
    text: str = value.strip()
    if "\x00" in text:
        raise ValidationError(_("The text contains a character that cannot be stored (NUL)."))
    if len(text) > TEXT_MAX:
        raise ValidationError(
            _("Enter at most %(max)d characters (this text has %(length)d).")
            % {"max": TEXT_MAX, "length": len(text)}
        )
    return text


def _certificates(value: Any) -> list[str]:
    items = _list(value, _("certificates"))
    if not all(isinstance(item, str) for item in items):
        raise ValidationError(_("Give each certificate by its name, as text."))
    names = _unique([item.strip() for item in items if item.strip()])
    if any("\x00" in name for name in names):
        raise ValidationError(_("The text contains a character that cannot be stored (NUL)."))
    too_long = [name for name in names if len(name) > CERTIFICATE_MAX]
    if too_long:
        raise ValidationError(
            _("A certificate's name may be at most %(max)d characters long.")
            % {"max": CERTIFICATE_MAX}
        )
    if len(names) > MAX_CERTIFICATES:
        raise ValidationError(_("List at most %(max)d certificates.") % {"max": MAX_CERTIFICATES})
    return names


def _years(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_YEARS:
        raise ValidationError(
            _("Years of work experience is a whole number from 0 to %(max)d.") % {"max": MAX_YEARS}
        )
    years: int = value
    return years


def _difficulty_categories(value: Any) -> list[str]:
    items = _list(value, _("employment-difficulty categories"))
    codes = {str(item).strip() for item in items}
    unknown = sorted(codes - set(DifficultyCategory.values))
    if unknown:
        raise ValidationError(
            _("Unknown employment-difficulty category: %(codes)s. Choose from: %(known)s.")
            % {"codes": ", ".join(unknown), "known": ", ".join(DifficultyCategory.values)}
        )
    return [code for code in DifficultyCategory.values if code in codes]


def _consent(value: Any) -> bool:
    """Consent to share with the provincial platform: only a clear yes is consent."""
    if isinstance(value, bool):
        return value
    if value is None or value == "":
        return False
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "on", "yes"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("0", "false", "off", "no"):
        return False
    raise ValidationError(_("Say yes or no."))


def _consent_no(value: Any) -> bool:
    try:
        return not _consent(value)
    except ValidationError:
        return False  # refused by the cleaner, with its message


_CLEANERS: dict[str, Callable[[Any], Any]] = {
    "household_type": _household_type,
    "home_county": _home_county,
    "wanted_occupations": _occupation_codes,
    "wanted_areas": _region_codes,
    "available_days": _weekdays,
    "available_from": _time,
    "available_until": _time,
    "min_daily_pay": _daily_pay,
    "training_wish": _free_text,
    "training_occupations": _occupation_codes,
    "skills": _free_text,
    "certificates": _certificates,
    "years_of_experience": _years,
    "difficulty_categories": _difficulty_categories,
    "platform_consent": _consent,
}


def _profile_clean(
    given: Mapping[str, Any], current: SeekerProfile
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The cleaned values of the fields given, and the messages of those that are wrong."""
    unknown = sorted(set(given) - set(PROFILE_FIELDS))
    if unknown:
        raise TypeError(f"Unknown profile fields: {', '.join(unknown)}")
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field, value in given.items():
        try:
            cleaned[field] = _CLEANERS[field](value)
        except ValidationError as error:
            errors[field] = error.messages
    hours = ("available_from", "available_until")
    if not any(field in errors for field in hours) and any(field in given for field in hours):
        starts, ends = (cleaned.get(field, getattr(current, field)) for field in hours)
        if (starts is None) != (ends is None):
            errors["available_until"] = [
                _("Give both the start and the end of the hours available, or neither.")
            ]
        elif starts is not None and starts >= ends:
            errors["available_until"] = [
                _("The hours available must end after they start (%(starts)s–%(ends)s).")
                % {"starts": starts.strftime("%H:%M"), "ends": ends.strftime("%H:%M")}
            ]
    return cleaned, errors


def _age_errors(applicant: Applicant, categories: list[str] | None) -> dict[str, list[str]]:
    """Rules on the age and gender derived from the ID number."""
    if applicant.birth_date is None:
        return {}
    age = age_on(applicant.birth_date, timezone.localdate())
    errors: dict[str, list[str]] = {}
    if age < MIN_AGE:
        errors["id_number"] = [
            _(
                "A job seeker must be at least %(min)d years old (Labour Law, art. 15); "
                "this person is %(age)d."
            )
            % {"min": MIN_AGE, "age": age}
        ]
    if categories and DifficultyCategory.AGE_4050 in categories:
        threshold = AGE_4050.get(applicant.gender)
        if threshold is not None and age < threshold:
            message = (
                _("The 4050 category is for women aged 40 or over; this woman is %(age)d.")
                if applicant.gender == "female"
                else _("The 4050 category is for men aged 50 or over; this man is %(age)d.")
            )
            errors["difficulty_categories"] = [message % {"age": age}]
    return errors


# --- Registration -----------------------------------------------------------------------------


def _registration_case(
    *,
    actor: User,
    market: Market,
    channel: str,
    applicant: Applicant,
    created: bool,
    contact_mobile: str,
) -> Case:
    """The person's registration case in progress at this market that the officer may work
    on (an earlier visit left it incomplete), or a new one."""
    case = _registration_case_open_here(actor=actor, market=market, applicant=applicant)
    if case is not None:
        return case
    return case_open(
        actor=actor,
        market=market,
        kind=SEEKER_REGISTRATION.code,
        channel=channel,
        applicant=applicant,
        subject=_("Job-seeker registration") if created else _("Job-seeker registration update"),
        contact_mobile=contact_mobile,
    )


def _registration_case_open_here(
    *, actor: User, market: Market, applicant: Applicant
) -> Case | None:
    case: Case | None = (
        Case.objects.filter(
            kind=SEEKER_REGISTRATION.code,
            market=market,
            applicant=applicant,
            state=State.IN_PROGRESS,
        )
        .order_by("opened_at")
        .first()
    )
    return case if case is not None and can.work_on(case, actor) else None


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


@dataclass(frozen=True)
class SeekerVisit:
    """What a registration or an update did: the profile, the fields that changed (``mobile``
    when the record's missing mobile was filled in), and the registration case it opened or
    completed (None when nothing changed and the person was registered here already)."""

    seeker: SeekerProfile
    changed: list[str]
    case: Case | None


def _profile_write(
    *,
    actor: User,
    market: Market,
    channel: str,
    found: ApplicantFound,
    seeker: SeekerProfile,
    created: bool,
    cleaned: Mapping[str, Any],
) -> SeekerVisit:
    """Write the fields whose value differs from the record, and decide the case.

    A case (kind ``seeker_registration``) is opened, or the one in progress here reused, when
    the visit registers the person, changes their profile, or is their first registration at
    this market; a complete registration is resolved and closed in the sitting. A visit that
    changes nothing at a market that has registered the person already opens no case, writes
    no history and no event."""
    applicant = found.applicant
    changed = [field for field, value in cleaned.items() if getattr(seeker, field) != value]
    for field in changed:
        setattr(seeker, field, cleaned[field])
    now = timezone.now()
    if "platform_consent" in changed:
        seeker.platform_consent_at = now if seeker.platform_consent else None
    if created:
        seeker.applicant = applicant
        seeker.registered_at = now
        seeker.updated_at = now
        save_with_history(seeker, actor)
    elif changed:
        seeker.updated_at = now
        consent = ["platform_consent_at"] if "platform_consent" in changed else []
        save_with_history(seeker, actor, update_fields=[*changed, *consent, "updated_at"])
    if found.mobile_added:
        changed.insert(0, "mobile")

    missing = seeker_missing_items(seeker=seeker)
    in_progress = _registration_case_open_here(actor=actor, market=market, applicant=applicant)
    registered_here = Case.objects.filter(
        kind=SEEKER_REGISTRATION.code, market=market, applicant=applicant
    ).exists()
    if not (created or changed or not registered_here or (in_progress and not missing)):
        return SeekerVisit(seeker=seeker, changed=[], case=None)

    case = in_progress or _registration_case(
        actor=actor,
        market=market,
        channel=channel,
        applicant=applicant,
        created=created,
        contact_mobile=found.contact_mobile,
    )
    if not missing:
        case = case_resolve(
            actor=actor,
            case=case,
            outcome=_(
                "Registered in one sitting: basic information, employment needs, training "
                "needs and employability recorded."
            ),
        )
        case = case_close(actor=actor, case=case)
    events.seeker_registered_event(
        seeker, case, actor, created=created, changed=changed, missing=missing
    )
    seeker_registered.send(
        sender=SeekerProfile,
        seeker=seeker,
        market=market,
        created=created,
        changed=list(changed),
        actor=actor,
    )
    return SeekerVisit(seeker=seeker, changed=changed, case=case)


@transaction.atomic
def seeker_register(
    *,
    actor: User,
    market: Market,
    channel: str,
    name: str,
    id_number: str,
    mobile: str,
    profile: Mapping[str, Any],
) -> SeekerProfile:
    """Register a job seeker at ``market`` (求职登记): one profile per person, whatever the
    typing of the number; the profile's history keeps the earlier values.

    A person registered already is found by the ID number and used unchanged: a different name
    is not written (``applicant_change_name`` corrects a name), a different mobile is only the
    registration case's contact mobile. Their profile takes the values given, and **a blank
    value never erases one on record**: a field is cleared only by ``seeker_update``, where the
    officer sees the record and changes it on purpose.

    ``profile`` holds any of ``PROFILE_FIELDS``; a key left out keeps the value on record.
    Occupation codes are those of the national classification (``4-03-02-01``, or a broader
    group such as ``4-03``); areas and the home county are division codes (the county also as
    a ``Region``); days are ISO weekday numbers (1 = Monday); times ``datetime.time`` or
    ``"08:30"``; the daily pay a ``Decimal`` (or its text) in yuan.

    The visit is a case of kind ``seeker_registration`` (see ``_profile_write`` for when one is
    opened): a complete registration is resolved and closed at once; an incomplete one stays in
    progress with the officer until a later registration completes it
    (``seeker_missing_items`` says what is missing).
    """
    errors: dict[str, list[str]] = {}
    found: ApplicantFound | None = None
    try:
        found = applicant_person_find_or_register(
            actor=actor, name=name, id_number=id_number, mobile=mobile, market=market
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    seeker = (
        SeekerProfile.objects.select_for_update().filter(applicant=found.applicant).first()
        if found is not None
        else None
    )
    created = seeker is None
    if seeker is None:
        seeker = SeekerProfile()
    else:
        # An unticked consent box is a blank too: consent is withdrawn on purpose only, by
        # ``seeker_update``.
        profile = {
            field: value
            for field, value in profile.items()
            if not _blank(value) and not (field == "platform_consent" and _consent_no(value))
        }
    cleaned, profile_errors = _profile_clean(profile, seeker)
    errors.update(profile_errors)
    if found is not None:
        errors.update(_age_errors(found.applicant, cleaned.get("difficulty_categories")))
    if errors or found is None:
        raise ValidationError(errors)
    return _profile_write(
        actor=actor,
        market=market,
        channel=channel,
        found=found,
        seeker=seeker,
        created=created,
        cleaned=cleaned,
    ).seeker


@transaction.atomic
def seeker_update(
    *,
    actor: User,
    market: Market,
    seeker: SeekerProfile,
    changes: Mapping[str, Any],
    channel: str = Channel.COUNTER,
) -> SeekerVisit:
    """Change a registered seeker's profile on purpose: the officer saw the record and changed
    these fields (a value given blank clears the field). Fields left out are not touched, and
    only values that really differ are written. Name and mobile are the applicant's and are
    changed on the applicant's page. See ``_profile_write`` for the case it opens."""
    if not can.works_in(actor, market.pk):
        raise PermissionDenied
    seeker = SeekerProfile.objects.select_for_update().select_related("applicant").get(pk=seeker.pk)
    applicant = seeker.applicant
    cleaned, errors = _profile_clean(changes, seeker)
    errors.update(_age_errors(applicant, cleaned.get("difficulty_categories")))
    errors.pop("id_number", None)  # the person's age is no change of theirs
    if errors:
        raise ValidationError(errors)
    found = ApplicantFound(
        applicant=applicant, created=False, name_given=applicant.name, mobile_given=""
    )
    return _profile_write(
        actor=actor,
        market=market,
        channel=channel,
        found=found,
        seeker=seeker,
        created=False,
        cleaned=cleaned,
    )


# --- Guidance (art. 18) -----------------------------------------------------------------------


def _guidance_market(actor: User, market: Market | None) -> Market:
    if market is not None:
        if not can.works_in(actor, market.pk):
            raise PermissionDenied
        return market
    markets = list(can.market_roles(actor))
    if not markets:
        raise PermissionDenied
    if len(markets) > 1:
        raise ValidationError(
            {"market": _("You work in several markets: choose the one where you gave guidance.")}
        )
    only: Market = Market.objects.get(pk=markets[0])
    return only


@transaction.atomic
def guidance_item_record(
    *,
    actor: User,
    seeker: SeekerProfile,
    item: str,
    outcome: str,
    note: str = "",
    market: Market | None = None,
) -> GuidanceItem:
    """Record guidance given to a seeker today (standard art. 18): employment registration
    (就业登记), basic pension insurance or occupational-injury protection, and its outcome.

    ``market`` is where it was given: by default the one market the officer works in.
    """
    market = _guidance_market(actor, market)
    errors: dict[str, list[str]] = {}
    if item not in GuidanceItem.Item.values:
        errors["item"] = [
            _(
                "Choose what the seeker was guided to: employment registration, basic pension "
                "insurance or occupational-injury protection."
            )
        ]
    if outcome not in GuidanceItem.Outcome.values:
        errors["outcome"] = [_("Choose the outcome: advised, done, declined or not applicable.")]
    try:
        note = _free_text(note)
    except ValidationError as error:
        errors["note"] = error.messages
    if errors:
        raise ValidationError(errors)
    guidance = GuidanceItem(
        seeker=seeker,
        item=item,
        outcome=outcome,
        note=note,
        officer=actor,
        market=market,
        given_on=timezone.localdate(),
    )
    save_with_history(guidance, actor)
    events.guidance_item_recorded_event(guidance, actor)
    return guidance
