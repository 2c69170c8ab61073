"""Checking a posting before it is taken in (standard art. 14; 劳动合同法 art. 68, 72; the
minimum wage; the lawful-content screen).

``posting_validate(data)`` takes what the counter form, the kiosk, the online page or the
provincial sync hands in (strings or typed values) and returns a :class:`PostingInput`, or
raises one ``ValidationError`` with every problem at once, per field. Each message names the
field and the rule it breaks. Free text is kept exactly as typed (it is escaped wherever it is
shown, never rendered as HTML); only control characters are refused.

The check is a tuple of named rules (``POSTING_RULES``: required fields, free text, contact,
occupation, county, coordinates, dates, hours, pay, minimum wage, screening …), each a small
function of a :class:`Draft` that can be called and tested alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_time
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.identity import mobile_normalise
from cases.models import Industry
from markets.models import REGION_CODE, Region
from markets.services import region_ensure

from .models import (
    Eligibility,
    EmploymentForm,
    Occupation,
    PayMethod,
    Settlement,
    hours_between,
)
from .screening import (
    CATEGORY_LABELS,
    EXCEPTABLE_CATEGORIES,
    Finding,
    blocking,
    screen_posting,
)
from .selectors import minimum_wage_for

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Upper bounds that catch typing mistakes (an extra zero, 1e9) rather than law.
PAY_LIMIT = Decimal("1000000")
# Whole numbers typed at the counter have at most this many digits; breaks last less than a day.
INTEGER_DIGITS_MAX = 9
BREAK_MINUTES_MAX = 24 * 60
HEADCOUNT_MAX = 10_000
DURATION_MAX_DAYS = 366
# 劳动合同法 art. 68: part-time work averages at most 4 hours a day and 24 hours a week.
PART_TIME_HOURS_PER_DAY = Decimal(4)
PART_TIME_HOURS_PER_WEEK = Decimal(24)
# 劳动和社会保障部《关于职工全年月平均工作时间和工资折算问题的通知》: 21.75 paid days a month.
DAYS_PER_MONTH = Decimal("21.75")
WORKING_DAYS_PER_WEEK = Decimal(5)
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
CENT = Decimal("0.01")

LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
# Bidirectional overrides and isolates can make text read differently from what is stored.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ALLOWED_CONTROLS = frozenset("\n\r\t")

LABELS: dict[str, StrOrPromise] = {
    "contact_name": gettext_lazy("Contact person"),
    "contact_phone": gettext_lazy("Contact phone"),
    "occupation": gettext_lazy("Occupation (工种)"),
    "industry": gettext_lazy("Industry (行业)"),
    "skill_requirements": gettext_lazy("Skill requirements"),
    "county": gettext_lazy("Work county"),
    "address": gettext_lazy("Work address"),
    "latitude": gettext_lazy("Latitude"),
    "longitude": gettext_lazy("Longitude"),
    "start_date": gettext_lazy("First working day"),
    "end_date": gettext_lazy("Last working day"),
    "working_days": gettext_lazy("Working days"),
    "days_per_week": gettext_lazy("Working days per week"),
    "start_time": gettext_lazy("Work starts at"),
    "end_time": gettext_lazy("Work ends at"),
    "break_minutes": gettext_lazy("Unpaid breaks"),
    "pay_min": gettext_lazy("Pay from"),
    "pay_max": gettext_lazy("Pay up to"),
    "pay_method": gettext_lazy("Pay method (计酬方式)"),
    "settlement": gettext_lazy("Settlement"),
    "headcount": gettext_lazy("People wanted"),
    "piece_daily_output": gettext_lazy("Daily output (pieces a day)"),
    "employment_form": gettext_lazy("Employment form"),
    "is_public_welfare": gettext_lazy("Public-welfare job"),
    "eligibility": gettext_lazy("Reserved for"),
    "description": gettext_lazy("Description"),
    "screening_exceptions": gettext_lazy("Screening exceptions"),
    "screening_justification": gettext_lazy("Justification of screening exceptions"),
}
TEXT_LIMITS = {
    "contact_name": 50,
    "skill_requirements": 1000,
    "address": 200,
    "working_days": 100,
    "description": 4000,
    "screening_justification": 2000,
}
# Art. 14: every posting states these (contact details too: a posting nobody can answer is
# no posting). The description is optional.
REQUIRED = (
    "contact_name",
    "contact_phone",
    "occupation",
    "skill_requirements",
    "county",
    "address",
    "start_date",
    "end_date",
    "working_days",
    "days_per_week",
    "start_time",
    "end_time",
    "pay_min",
    "pay_method",
    "settlement",
    "headcount",
    "employment_form",
)
SCREENED = ("skill_requirements", "working_days", "description")
PAY_UNITS: dict[str, StrOrPromise] = {
    PayMethod.HOURLY: gettext_lazy("yuan per hour"),
    PayMethod.DAILY: gettext_lazy("yuan per day"),
    PayMethod.WEEKLY: gettext_lazy("yuan per week"),
    PayMethod.MONTHLY: gettext_lazy("yuan per month"),
    PayMethod.PIECE: gettext_lazy("yuan per piece"),
    PayMethod.JOB: gettext_lazy("yuan per job"),
}


@dataclass
class PostingInput:
    """A posting's details, checked and normalised."""

    contact_name: str
    contact_phone: str
    occupation: Occupation
    skill_requirements: str
    county: Region
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    start_date: date
    end_date: date
    working_days: str
    days_per_week: int
    start_time: time
    end_time: time
    break_minutes: int
    pay_min: Decimal
    pay_max: Decimal
    pay_method: str
    settlement: str
    headcount: int
    employment_form: str
    is_public_welfare: bool
    eligibility: list[str]
    description: str
    # GB/T 4754-2017 大类; None is unknown (the intake falls back to the employer's).
    industry: Industry | None
    # A piece rate's stated daily output; None for any other pay method or when not stated.
    piece_daily_output: int | None
    hours_per_day: Decimal
    pay_daily: Decimal | None
    # (field, finding) for every free-text field screened
    findings: list[tuple[str, Finding]] = field(default_factory=list)
    screening_exceptions: list[str] = field(default_factory=list)
    screening_justification: str = ""

    # The model fields this fills (the rest are the posting's own bookkeeping).
    MODEL_FIELDS = (
        "contact_name",
        "contact_phone",
        "occupation",
        "skill_requirements",
        "county",
        "address",
        "latitude",
        "longitude",
        "start_date",
        "end_date",
        "working_days",
        "days_per_week",
        "start_time",
        "end_time",
        "break_minutes",
        "pay_min",
        "pay_max",
        "pay_method",
        "settlement",
        "headcount",
        "employment_form",
        "is_public_welfare",
        "eligibility",
        "description",
        "industry",
        "piece_daily_output",
        "pay_daily",
        "screening_justification",
    )

    def findings_json(self) -> list[dict[str, Any]]:
        return [{**finding_as_json(finding), "field": name} for name, finding in self.findings]


def finding_as_json(finding: Finding) -> dict[str, Any]:
    """A finding as the posting stores it (the explanation in the language active now)."""
    return {
        "field": "",
        "phrase": finding.phrase,
        "start": finding.start,
        "end": finding.end,
        "category": finding.category,
        "severity": finding.severity,
        "basis": str(finding.basis),
        "explanation": str(finding.explanation),
        "justification": finding.justification or "",
    }


def pay_daily_of(pay: Decimal, method: str, hours_per_day: Decimal) -> Decimal | None:
    """Pay as a daily figure, for statistics and matching: monthly ÷ 21.75, weekly ÷ 5,
    hourly × hours a day, daily as it is; None for piece and per-job pay."""
    if method == PayMethod.MONTHLY:
        daily = pay / DAYS_PER_MONTH
    elif method == PayMethod.WEEKLY:
        daily = pay / WORKING_DAYS_PER_WEEK
    elif method == PayMethod.HOURLY:
        daily = pay * hours_per_day
    elif method == PayMethod.DAILY:
        daily = pay
    else:
        return None
    return daily.quantize(CENT, rounding=ROUND_HALF_UP)


class FieldErrors:
    """Every problem found so far, per field, in the order found."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, rule: str) -> None:
        """One message: the field's label, then the rule it breaks."""
        self.by_field.setdefault(name, []).append(
            _("%(field)s: %(rule)s") % {"field": LABELS.get(name, name), "rule": rule}
        )

    def __contains__(self, name: str) -> bool:
        return name in self.by_field


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(data: Mapping[str, Any], name: str, errors: FieldErrors) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(name, _("enter text."))
        return ""
    value = value.strip()
    for char in value:
        if (
            unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROLS
        ) or char in BIDI_CONTROLS:
            errors.add(
                name,
                _("control characters are not allowed (found U+%(code)04X).") % {"code": ord(char)},
            )
            return ""
    limit = TEXT_LIMITS.get(name)
    if limit is not None and len(value) > limit:
        errors.add(
            name,
            _("at most %(limit)d characters (this is %(length)d).")
            % {"limit": limit, "length": len(value)},
        )
    return value


def _phone(value: Any, errors: FieldErrors) -> str:
    text = str(value).strip()
    compact = re.sub(r"[\s()（）]", "", unicodedata.normalize("NFKC", text))
    if LANDLINE.match(compact):
        return compact
    try:
        return mobile_normalise(text)
    except ValidationError:
        errors.add(
            "contact_phone",
            _(
                "enter a mobile number (11 digits starting with 13 to 19) or a landline with "
                "its area code, such as 0771-5501234."
            ),
        )
        return ""


def _decimal(value: Any, name: str, errors: FieldErrors) -> Decimal | None:
    """A finite decimal from a Decimal, an int or text; floats and booleans are refused (a
    float has already lost the exact amount)."""
    if isinstance(value, bool | float):
        errors.add(name, _("enter an amount as a number such as 150 or 150.50."))
        return None
    try:
        number = (
            Decimal(unicodedata.normalize("NFKC", value).strip())
            if isinstance(value, str)
            else Decimal(value)
        )
    except (InvalidOperation, TypeError, ValueError):
        errors.add(name, _("enter an amount as a number such as 150 or 150.50."))
        return None
    if not number.is_finite():
        errors.add(name, _("enter an amount as a number such as 150 or 150.50."))
        return None
    return number


def _pay(value: Any, name: str, errors: FieldErrors) -> Decimal | None:
    number = _decimal(value, name, errors)
    if number is None:
        return None
    if number <= 0:
        errors.add(name, _("the amount must be more than zero."))
        return None
    if number >= PAY_LIMIT:
        errors.add(
            name,
            _("the amount must be less than %(limit)s yuan; check for extra zeros.")
            % {"limit": f"{PAY_LIMIT:,}"},
        )
        return None
    if number != number.quantize(CENT):
        errors.add(name, _("at most two decimal places (fen)."))
        return None
    return number.quantize(CENT)


def _integer(value: Any, name: str, errors: FieldErrors) -> int | None:
    if isinstance(value, bool):
        errors.add(name, _("enter a whole number."))
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", unicodedata.normalize("NFKC", value)):
        digits = unicodedata.normalize("NFKC", value).strip().lstrip("0") or "0"
        if len(digits) > INTEGER_DIGITS_MAX:  # and int() of thousands of digits is refused
            errors.add(name, _("the number is too large."))
            return None
        return int(digits)
    errors.add(name, _("enter a whole number."))
    return None


def _date(value: Any, name: str, errors: FieldErrors) -> date | None:
    if isinstance(value, date):
        return value
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        errors.add(name, _("enter a real date as YYYY-MM-DD."))
    return parsed


def _time(value: Any, name: str, errors: FieldErrors) -> time | None:
    if isinstance(value, time):
        return value
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_time(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        errors.add(name, _("enter a time of day as HH:MM."))
    return parsed


def _choice(value: Any, name: str, choices: Sequence[str], errors: FieldErrors) -> str:
    if value not in choices:
        errors.add(name, _("choose one of: %(choices)s.") % {"choices": ", ".join(choices)})
        return ""
    return str(value)


# --- Reference data read once for many postings ----------------------------------------------

_lookups: ContextVar[dict[Hashable, Any] | None] = ContextVar("posting_lookups", default=None)


@contextmanager
def lookups_cached() -> Iterator[None]:
    """Within this block ``posting_validate`` reads each occupation, county and minimum wage
    once and keeps it (bulk intake: a page of postings naming the same few). Only for a block
    that does not change that reference data itself."""
    if _lookups.get() is not None:
        yield
        return
    token = _lookups.set({})
    try:
        yield
    finally:
        _lookups.reset(token)


def _looked_up(key: Hashable, read: Callable[[], Any]) -> Any:
    cache = _lookups.get()
    if cache is None:
        return read()
    if key not in cache:
        cache[key] = read()
    return cache[key]


def _occupation(value: Any, errors: FieldErrors) -> Occupation | None:
    occupation = value if isinstance(value, Occupation) else None
    if occupation is None and isinstance(value, str):
        code = value.strip()
        occupation = _looked_up(
            ("occupation", code), lambda: Occupation.objects.filter(code=code).first()
        )
    if occupation is None or not occupation.is_active:
        errors.add(
            "occupation",
            _("choose an occupation of the national classification (职业分类大典)."),
        )
        return None
    if not occupation.is_occupation:
        errors.add(
            "occupation",
            _("choose an occupation (细类, such as 4-03-02-05), not a category."),
        )
        return None
    return occupation


def _county(value: Any, errors: FieldErrors) -> Region | None:
    region = value if isinstance(value, Region) else None
    if region is None and isinstance(value, str) and REGION_CODE.match(value.strip()):
        code = value.strip()
        # Only a region already kept is cached: one made here could be rolled back with the
        # posting that named it.
        region = _looked_up(("county", code), lambda: Region.objects.filter(code=code).first())
        if region is None:
            region = region_ensure(code=code, actor=None)
    if region is None or region.level != Region.Level.COUNTY:
        errors.add("county", _("choose the county or district (区县) where the work is done."))
        return None
    return region


def _coordinates(
    data: Mapping[str, Any], errors: FieldErrors
) -> tuple[Decimal | None, Decimal | None]:
    raw_lat, raw_lng = data.get("latitude"), data.get("longitude")
    if _blank(raw_lat) and _blank(raw_lng):
        return None, None
    if _blank(raw_lat) or _blank(raw_lng):
        name = "latitude" if _blank(raw_lat) else "longitude"
        errors.add(name, _("give both latitude and longitude, or neither."))
        return None, None
    latitude = _decimal(raw_lat, "latitude", errors)
    longitude = _decimal(raw_lng, "longitude", errors)
    if latitude is not None and not Decimal(-90) <= latitude <= Decimal(90):
        errors.add("latitude", _("between -90 and 90 degrees."))
        latitude = None
    if longitude is not None and not Decimal(-180) <= longitude <= Decimal(180):
        errors.add("longitude", _("between -180 and 180 degrees."))
        longitude = None
    quantum = Decimal("0.000001")
    return (
        latitude.quantize(quantum) if latitude is not None else None,
        longitude.quantize(quantum) if longitude is not None else None,
    )


def _money(amount: Decimal) -> str:
    return f"{amount.quantize(CENT)}"


def _minimum_wage_check(cleaned: dict[str, Any], errors: FieldErrors) -> None:
    """Pay below the area's minimum wage (最低工资标准) is refused, with the figure and the
    date it is in force from. The tier is the one in force on the first working day."""
    county: Region = cleaned["county"]
    pay: Decimal = cleaned["pay_min"]
    method: str = cleaned["pay_method"]
    hours: Decimal = cleaned["hours_per_day"]
    days: int = cleaned["days_per_week"]
    if method in (PayMethod.PIECE, PayMethod.JOB):
        return
    on: date = cleaned["start_date"]
    wage = _looked_up(
        ("minimum_wage", county.code, on),
        lambda: minimum_wage_for(county_code=county.code, on=on),
    )
    if wage is None:
        return
    part_time = cleaned["employment_form"] == EmploymentForm.PART_TIME
    if method == PayMethod.HOURLY:
        floor, unit = wage.hourly, PAY_UNITS[PayMethod.HOURLY]
    elif method == PayMethod.DAILY:
        floor, unit = wage.hourly * hours, PAY_UNITS[PayMethod.DAILY]
    elif method == PayMethod.WEEKLY:
        floor, unit = wage.hourly * hours * days, PAY_UNITS[PayMethod.WEEKLY]
    elif part_time:
        # A part-time month is paid by the hour's minimum (劳动合同法 art. 72), not the
        # full-time monthly one.
        floor = wage.hourly * hours * days * WEEKS_PER_MONTH
        unit = PAY_UNITS[PayMethod.MONTHLY]
    else:
        floor, unit = wage.monthly, PAY_UNITS[PayMethod.MONTHLY]
    floor = floor.quantize(CENT, rounding=ROUND_HALF_UP)
    if pay < floor:
        errors.add(
            "pay_min",
            _(
                "%(pay)s %(unit)s is below the minimum wage of %(floor)s %(unit)s in %(area)s "
                "(%(monthly)s yuan per month, %(hourly)s yuan per hour, in force since "
                "%(since)s)."
            )
            % {
                "pay": _money(pay),
                "unit": unit,
                "floor": _money(floor),
                "area": county.name,
                "monthly": _money(wage.monthly),
                "hourly": _money(wage.hourly),
                "since": wage.effective_from.isoformat(),
            },
        )


def _part_time_check(cleaned: dict[str, Any], errors: FieldErrors) -> None:
    """劳动合同法 art. 68 (at most 4 hours a day on average, 24 a week) and art. 72 (paid at
    least every 15 days)."""
    hours: Decimal = cleaned["hours_per_day"]
    days: int = cleaned["days_per_week"]
    if hours > PART_TIME_HOURS_PER_DAY:
        errors.add(
            "end_time",
            _(
                "part-time work (非全日制) averages at most 4 hours a day (Labour Contract Law "
                "art. 68); this is %(hours)s hours."
            )
            % {"hours": hours.normalize()},
        )
    weekly = hours * days
    if weekly > PART_TIME_HOURS_PER_WEEK:
        errors.add(
            "days_per_week",
            _(
                "part-time work (非全日制) is at most 24 hours a week (Labour Contract Law "
                "art. 68); this is %(hours)s hours."
            )
            % {"hours": weekly.normalize()},
        )
    if cleaned["settlement"] == Settlement.MONTHLY:
        errors.add(
            "settlement",
            _(
                "part-time work (非全日制) is paid at least every 15 days (Labour Contract Law "
                "art. 72); choose daily, weekly or within 15 days."
            ),
        )


def _exceptions(value: Any, errors: FieldErrors) -> list[str]:
    """The screen's categories a reviewer excepts (a job closed to women by law, a health
    condition the job needs …): only those the law admits exceptions for."""
    if value in (None, "", [], ()):
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors.add("screening_exceptions", _("give a list of screening categories."))
        return []
    refused = sorted({v for v in value if v not in EXCEPTABLE_CATEGORIES})
    if refused:
        errors.add(
            "screening_exceptions",
            _(
                "no justification makes %(refused)s lawful; exceptions are possible only for: "
                "%(allowed)s."
            )
            % {"refused": ", ".join(refused), "allowed": ", ".join(sorted(EXCEPTABLE_CATEGORIES))},
        )
        return []
    return list(dict.fromkeys(value))


def _screen(
    cleaned: dict[str, Any], exceptions: Mapping[str, str], errors: FieldErrors
) -> list[tuple[str, Finding]]:
    """Run the lawful-content screen over each free-text field; a blocking finding refuses
    the posting (standard art. 14: no discriminatory content)."""
    findings: list[tuple[str, Finding]] = []
    for name in SCREENED:
        text = cleaned.get(name) or ""
        if not text or name in errors:
            continue
        found = screen_posting(text, exceptions=exceptions)
        for finding in blocking(found):
            errors.add(
                name,
                _("“%(phrase)s” is not allowed (%(category)s): %(basis)s")
                % {
                    "phrase": finding.phrase,
                    "category": CATEGORY_LABELS[finding.category],
                    "basis": finding.basis,
                },
            )
        findings.extend((name, finding) for finding in found)
    return findings


# --- The rules ----------------------------------------------------------------------------------
#
# Each rule reads what was handed in and what earlier rules cleaned, and adds what it cleans and
# what it refuses to the draft; it touches nothing else, so it can be called alone in a test.
# ``POSTING_RULES`` runs them in order: a field's messages come in the order the rules find them.


@dataclass
class Draft:
    """A posting under check: what was handed in, what is clean so far, what is wrong so far."""

    data: Mapping[str, Any]
    today: date
    cleaned: dict[str, Any] = field(default_factory=dict)
    errors: FieldErrors = field(default_factory=FieldErrors)


def check_required(draft: Draft) -> None:
    """Standard art. 14: every item in ``REQUIRED`` is given."""
    for name in REQUIRED:
        if _blank(draft.data.get(name)):
            draft.errors.add(name, _("this is required (standard art. 14)."))


def check_free_text(draft: Draft) -> None:
    """Free text is kept as typed, within its length, without control characters."""
    for name in TEXT_LIMITS:
        if name not in draft.errors:
            draft.cleaned[name] = _text(draft.data, name, draft.errors)


def check_contact_phone(draft: Draft) -> None:
    """A mobile number or a landline with its area code, normalised."""
    if "contact_phone" not in draft.errors:
        draft.cleaned["contact_phone"] = _phone(draft.data["contact_phone"], draft.errors)


def check_occupation(draft: Draft) -> None:
    """An active occupation (细类) of the national classification."""
    if "occupation" not in draft.errors:
        draft.cleaned["occupation"] = _occupation(draft.data["occupation"], draft.errors)


def industry_from_value(value: Any, errors: FieldErrors) -> Industry | None:
    """A division (大类) of GB/T 4754-2017 given as itself or by its two-digit code ("62", or
    the type-ahead's "62 餐饮业"); nothing given is unknown (None)."""
    if isinstance(value, Industry):
        code = value.code
    elif _blank(value):
        return None
    elif isinstance(value, str):
        code = unicodedata.normalize("NFKC", value).strip().split(" ")[0]
    else:
        code = ""
    industry = (
        Industry.objects.filter(level=Industry.Level.DIVISION, code=code).first() if code else None
    )
    if industry is None:
        errors.add(
            "industry",
            _(
                "“%(value)s” is not an industry division (大类) of GB/T 4754-2017: give its "
                "two-digit code, such as 62 for 餐饮业, or leave it empty if unknown."
            )
            % {"value": str(value)[:20]},
        )
    return industry


def check_industry(draft: Draft) -> None:
    """Optional: an industry division (大类) of GB/T 4754-2017, by its code."""
    draft.cleaned["industry"] = industry_from_value(draft.data.get("industry"), draft.errors)


def check_county(draft: Draft) -> None:
    """The county or district (区县) where the work is done."""
    if "county" not in draft.errors:
        draft.cleaned["county"] = _county(draft.data["county"], draft.errors)


def check_coordinates(draft: Draft) -> None:
    """Both latitude and longitude within range, or neither."""
    draft.cleaned["latitude"], draft.cleaned["longitude"] = _coordinates(draft.data, draft.errors)


def check_dates(draft: Draft) -> None:
    """Real dates; the first working day not in the past, the last not before it, at most
    ``DURATION_MAX_DAYS`` in all."""
    for name in ("start_date", "end_date"):
        if name not in draft.errors:
            draft.cleaned[name] = _date(draft.data[name], name, draft.errors)
    start_date, end_date = draft.cleaned.get("start_date"), draft.cleaned.get("end_date")
    if start_date is not None and start_date < draft.today:
        draft.errors.add(
            "start_date",
            _("must not be in the past (today is %(today)s).") % {"today": draft.today.isoformat()},
        )
    if start_date is None or end_date is None:
        return
    if end_date < start_date:
        draft.errors.add("end_date", _("must not be before the first working day."))
    elif (end_date - start_date).days + 1 > DURATION_MAX_DAYS:
        draft.errors.add(
            "end_date",
            _("a posting runs at most %(days)d days; post again for longer work.")
            % {"days": DURATION_MAX_DAYS},
        )


def _break_minutes(draft: Draft) -> int:
    if _blank(draft.data.get("break_minutes")):
        return 0
    minutes = _integer(draft.data["break_minutes"], "break_minutes", draft.errors) or 0
    if not 0 <= minutes < BREAK_MINUTES_MAX:
        draft.errors.add(
            "break_minutes",
            _("between 0 and %(max)d minutes a day.") % {"max": BREAK_MINUTES_MAX - 1},
        )
        return 0
    return minutes


def check_hours(draft: Draft) -> None:
    """Times of day and breaks; the working hours a day they leave (``hours_per_day``, None
    when they cannot be counted). A shift may cross midnight."""
    for name in ("start_time", "end_time"):
        if name not in draft.errors:
            draft.cleaned[name] = _time(draft.data[name], name, draft.errors)
    break_minutes = draft.cleaned["break_minutes"] = _break_minutes(draft)
    start_time, end_time = draft.cleaned.get("start_time"), draft.cleaned.get("end_time")
    hours: Decimal | None = None
    if start_time is not None and end_time is not None:
        if start_time == end_time:
            draft.errors.add("end_time", _("must differ from the start time."))
        else:
            hours = hours_between(start_time, end_time, break_minutes)
            if hours <= 0:
                draft.errors.add(
                    "break_minutes", _("the breaks must be shorter than the working day.")
                )
                hours = None
    draft.cleaned["hours_per_day"] = hours


def check_days_per_week(draft: Draft) -> None:
    """Between 1 and 7 working days a week."""
    if "days_per_week" in draft.errors:
        return
    days = _integer(draft.data["days_per_week"], "days_per_week", draft.errors)
    if days is not None and not 1 <= days <= 7:
        draft.errors.add("days_per_week", _("between 1 and 7."))
        days = None
    draft.cleaned["days_per_week"] = days


def check_pay(draft: Draft) -> None:
    """Amounts in yuan and fen; the pay up to, when given, not below the pay from (left out,
    it is the pay from: a single amount)."""
    if "pay_min" not in draft.errors:
        draft.cleaned["pay_min"] = _pay(draft.data["pay_min"], "pay_min", draft.errors)
    pay_min = draft.cleaned.get("pay_min")
    pay_max = pay_min
    if not _blank(draft.data.get("pay_max")):
        pay_max = _pay(draft.data["pay_max"], "pay_max", draft.errors)
        if pay_max is not None and pay_min is not None and pay_max < pay_min:
            draft.errors.add(
                "pay_max",
                _("must not be less than the pay from (%(pay_min)s); the range is upside down.")
                % {"pay_min": _money(pay_min)},
            )
    draft.cleaned["pay_max"] = pay_max


CHOICES: dict[str, Sequence[str]] = {
    "pay_method": PayMethod.values,
    "settlement": Settlement.values,
    "employment_form": EmploymentForm.values,
}


def check_choices(draft: Draft) -> None:
    """The pay method, settlement and employment form are among the known ones."""
    for name, choices in CHOICES.items():
        if name not in draft.errors:
            draft.cleaned[name] = _choice(draft.data[name], name, choices, draft.errors)


PIECE_OUTPUT_MAX = 100_000


def check_piece_output(draft: Draft) -> None:
    """A piece rate's stated daily output (pieces a day), optional: the monthly statistics
    convert the rate to a day's wage with it (``stats.compute``). Left out for any other pay
    method."""
    value = draft.data.get("piece_daily_output")
    draft.cleaned["piece_daily_output"] = None
    if _blank(value) or draft.cleaned.get("pay_method") != PayMethod.PIECE:
        return
    output = _integer(value, "piece_daily_output", draft.errors)
    if output is not None and not 1 <= output <= PIECE_OUTPUT_MAX:
        draft.errors.add(
            "piece_daily_output",
            _("between 1 and %(max)s pieces a day.") % {"max": f"{PIECE_OUTPUT_MAX:,}"},
        )
        return
    draft.cleaned["piece_daily_output"] = output


def check_headcount(draft: Draft) -> None:
    """Between 1 and ``HEADCOUNT_MAX`` people."""
    if "headcount" in draft.errors:
        return
    headcount = _integer(draft.data["headcount"], "headcount", draft.errors)
    if headcount is not None and not 1 <= headcount <= HEADCOUNT_MAX:
        draft.errors.add(
            "headcount",
            _("between 1 and %(max)s people.") % {"max": f"{HEADCOUNT_MAX:,}"},
        )
    draft.cleaned["headcount"] = headcount


def _eligibility_codes(value: Any, errors: FieldErrors) -> list[str]:
    codes = value or []
    if not isinstance(codes, list | tuple) or not all(isinstance(code, str) for code in codes):
        errors.add("eligibility", _("give a list of category codes."))
        return []
    return list(codes)


def check_public_welfare(draft: Draft) -> None:
    """Standard art. 20: a public-welfare job (公益性岗位) names the categories it is reserved
    for, from the known ones; any other job is reserved for none."""
    welfare = draft.data.get("is_public_welfare", False)
    if not isinstance(welfare, bool):
        draft.errors.add("is_public_welfare", _("answer yes or no."))
        welfare = False
    eligibility = _eligibility_codes(draft.data.get("eligibility"), draft.errors)
    unknown = sorted(set(eligibility) - set(Eligibility.values))
    if unknown:
        draft.errors.add(
            "eligibility",
            _("unknown categories %(unknown)s; choose from: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(Eligibility.values)},
        )
    elif welfare and not eligibility:
        draft.errors.add(
            "eligibility",
            _("a public-welfare job (公益性岗位) names who it is for (standard art. 20)."),
        )
    elif eligibility and not welfare:
        draft.errors.add("eligibility", _("only a public-welfare job is reserved for categories."))
    draft.cleaned["is_public_welfare"] = welfare
    draft.cleaned["eligibility"] = list(dict.fromkeys(eligibility))


def _cleaned_all(draft: Draft, *names: str) -> bool:
    return all(draft.cleaned.get(name) not in (None, "") for name in names)


# What the working-time rules need cleaned before they can judge.
WORKING_TIME = ("employment_form", "settlement", "days_per_week", "hours_per_day")


def check_part_time(draft: Draft) -> None:
    """Part-time work (非全日制) within the Labour Contract Law (art. 68, 72)."""
    if (
        _cleaned_all(draft, *WORKING_TIME)
        and draft.cleaned["employment_form"] == EmploymentForm.PART_TIME
    ):
        _part_time_check(draft.cleaned, draft.errors)


def check_minimum_wage(draft: Draft) -> None:
    """The pay from is not below the minimum wage in force in the county on the first day."""
    if _cleaned_all(draft, *WORKING_TIME, "county", "pay_min", "pay_method", "start_date"):
        _minimum_wage_check(draft.cleaned, draft.errors)


def check_screening(draft: Draft) -> None:
    """The lawful-content screen over the free text; the exceptions a team lead grants, each
    with a written justification. Leaves ``screening_exceptions`` and ``findings``."""
    exceptions = _exceptions(draft.data.get("screening_exceptions"), draft.errors)
    justification = draft.cleaned.get("screening_justification") or ""
    if exceptions and not justification and "screening_justification" not in draft.errors:
        draft.errors.add(
            "screening_justification",
            _("an exception to the content screen needs a team lead's written justification."),
        )
    draft.cleaned["screening_exceptions"] = exceptions
    draft.cleaned["findings"] = _screen(
        draft.cleaned,
        {category: justification for category in exceptions if justification},
        draft.errors,
    )


Rule = Callable[[Draft], None]

POSTING_RULES: tuple[Rule, ...] = (
    check_required,
    check_free_text,
    check_contact_phone,
    check_occupation,
    check_industry,
    check_county,
    check_coordinates,
    check_dates,
    check_hours,
    check_days_per_week,
    check_pay,
    check_choices,
    check_piece_output,
    check_headcount,
    check_public_welfare,
    check_part_time,
    check_minimum_wage,
    check_screening,
)


def posting_validate(data: Mapping[str, Any], *, today: date | None = None) -> PostingInput:
    """Check a posting's details; raise ``ValidationError`` (a dict of field -> messages) with
    every problem, or return them cleaned. ``today`` defaults to today in the display zone.

    ``screening_exceptions`` (phrases a team lead lets through) need a written
    ``screening_justification``; who may grant them is the service's business."""
    draft = Draft(data=data, today=today or timezone.localdate())
    for rule in POSTING_RULES:
        rule(draft)
    if draft.errors.by_field:
        raise ValidationError(draft.errors.by_field)

    cleaned = draft.cleaned
    hours = cleaned["hours_per_day"]
    pay_daily = None
    if cleaned["pay_method"] and hours is not None:
        pay_daily = pay_daily_of(cleaned["pay_min"], cleaned["pay_method"], hours)
    return PostingInput(
        **{name: cleaned[name] for name in PostingInput.MODEL_FIELDS if name != "pay_daily"},
        hours_per_day=hours,
        pay_daily=pay_daily,
        findings=cleaned["findings"],
        screening_exceptions=cleaned["screening_exceptions"],
    )


# --- A later last working day (extending a posting) ---------------------------------------------


def posting_end_date_validate(
    *, start_date: date, current: date, value: Any, today: date | None = None
) -> date:
    """A new last working day for a posting that runs already (``posting_extend``): a real
    date, later than the ``current`` one, not in the past, and within the rules' limit of
    ``DURATION_MAX_DAYS`` from the first working day. Raises ``ValidationError`` on
    ``end_date`` with every problem, each naming the rule."""
    today = today or timezone.localdate()
    errors = FieldErrors()
    if _blank(value):
        errors.add("end_date", _("this is required (standard art. 14)."))
        raise ValidationError(errors.by_field)
    end_date = _date(value, "end_date", errors)
    if end_date is not None:
        if end_date <= current:
            errors.add(
                "end_date",
                _("must be later than the present last working day (%(date)s).")
                % {"date": current.isoformat()},
            )
        if end_date < today:
            errors.add(
                "end_date",
                _("must not be in the past (today is %(today)s).") % {"today": today.isoformat()},
            )
        if (end_date - start_date).days + 1 > DURATION_MAX_DAYS:
            latest = start_date + timedelta(days=DURATION_MAX_DAYS - 1)
            errors.add(
                "end_date",
                _(
                    "a posting runs at most %(days)d days from its first working day; the "
                    "latest possible is %(latest)s. Post again for longer work."
                )
                % {"days": DURATION_MAX_DAYS, "latest": latest.isoformat()},
            )
    if errors.by_field or end_date is None:
        raise ValidationError(errors.by_field)
    return end_date
