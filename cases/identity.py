"""Applicants' identifiers: pure functions; no database, except to look up an area code that
the shipped division tables do not know (an edition loaded later).

- the resident ID number (居民身份证号码, GB 11643-1999): 6-digit area code (a division code,
  current or past: ``markets.divisions``), birth date
  (YYYYMMDD), 3-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check
  character (0-9 or X);
- the mobile number (手机号码): ``1[3-9]`` followed by 9 digits, with or without +86;
- the unified social credit code (统一社会信用代码, GB 32100-2015) of an organisation;
- names and other short texts typed at the counter: what is left once invisible characters
  (controls, right-to-left overrides, zero-width spaces) are removed.

Every failure raises :class:`~django.core.exceptions.ValidationError` with a message meant for
the person at the counter and a ``code`` for the program.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

from markets.divisions import area_code_known

Gender = Literal["male", "female"]

RESIDENT_ID_LENGTH = 18
RESIDENT_ID_FORMAT = re.compile(r"^\d{17}[\dX]$")
# ISO 7064 MOD 11-2: the weight of position i (0-based, left to right) is 2**(17 - i) mod 11.
_MOD_11_2_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
EARLIEST_BIRTH_YEAR = 1900

MOBILE_FORMAT = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_SEPARATORS = re.compile(r"[\s\-()]")


@dataclass(frozen=True)
class ResidentId:
    """A valid resident ID number and what it tells about its holder."""

    number: str  # 18 characters, the check character upper-case
    birth_date: date
    gender: Gender
    area_code: str  # the first 6 digits: a division code (current or past) where it was issued


def _normalise(value: str) -> str:
    """Full-width digits and letters to ASCII (NFKC), no whitespace at all, upper case."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def resident_id_check_character(first_17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the 17 digits before it."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_17, _MOD_11_2_WEIGHTS, strict=True)
    )
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def resident_id_parse(value: str, *, today: date | None = None) -> ResidentId:
    """Validate a resident ID number (GB 11643) and derive birth date, gender and area.

    Accepts full-width digits, a full-width or lower-case x and spaces. ``today`` (default: the
    current date in the display time zone) bounds the birth date.
    """
    number = _normalise(value)
    if len(number) != RESIDENT_ID_LENGTH:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(length)d."),
            code="id_format",
            params={"length": len(number)},
        )
    if RESIDENT_ID_FORMAT.match(number) is None:
        raise ValidationError(
            _("A resident ID number is 17 digits followed by a digit or the letter X."),
            code="id_format",
        )

    birth_digits = number[6:14]
    try:
        birth_date = date(int(birth_digits[:4]), int(birth_digits[4:6]), int(birth_digits[6:]))
    except ValueError:
        raise ValidationError(
            _("The birth date in the resident ID number (%(digits)s) is not a real date."),
            code="id_birth_date",
            params={"digits": birth_digits},
        ) from None
    if birth_date.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(
            _("The birth date in the resident ID number (%(date)s) is before 1900."),
            code="id_birth_date",
            params={"date": birth_date.isoformat()},
        )
    if birth_date > (today or timezone.localdate()):
        raise ValidationError(
            _("The birth date in the resident ID number (%(date)s) is in the future."),
            code="id_birth_date",
            params={"date": birth_date.isoformat()},
        )

    if number[-1] != resident_id_check_character(number[:17]):
        raise ValidationError(
            _(
                "The check character (last character) of the resident ID number does not match: "
                "check the number for a mistyped digit."
            ),
            code="id_check_character",
        )

    if not area_code_known(number[:6]):
        raise ValidationError(
            _(
                "The first six digits of the resident ID number (%(code)s) are no administrative "
                "division code, current or past: check the number for a mistyped digit."
            ),
            code="id_area",
            params={"code": number[:6]},
        )

    return ResidentId(
        number=number,
        birth_date=birth_date,
        gender="male" if int(number[16]) % 2 else "female",
        area_code=number[:6],
    )


def resident_id_mask(number: str) -> str:
    """``450102********1234``: the area and the last four characters only. Anything that is not
    18 characters long is masked whole."""
    if len(number) != RESIDENT_ID_LENGTH:
        return "*" * len(number)
    return f"{number[:6]}{'*' * 8}{number[-4:]}"


def name_mask(name: str) -> str:
    """``张三丰`` → ``张**``, ``Zhang Wei`` → ``Z********``: the first character only, for
    a paper that may be left lying about (the printed receipt)."""
    name = name.strip()
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


# Any run that looks like a resident ID number (17 digits and a digit or X), ASCII or
# full-width: a note, a reason or an event's label is free text and may carry one.
_ID_LIKE = re.compile(r"[0-9０-９]{17}[0-9０-９Xx]")


def id_numbers_mask(text: str) -> str:
    """Free text with every ID-number-like run masked (``450102********1234``): for pages and
    for files alike."""
    return _ID_LIKE.sub(lambda match: resident_id_mask(match.group(0)), text)


def mobile_normalise(value: str) -> str:
    """``+86 138 0013 8000``, ``0086-13800138000`` or full-width digits -> ``13800138000``."""
    number = _MOBILE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number.removeprefix(prefix)
            break
    else:
        if len(number) == 13 and number.startswith("86"):
            number = number[2:]
    if MOBILE_FORMAT.match(number) is None:
        raise ValidationError(
            _("A mobile number has 11 digits and starts with 13 to 19, such as 13800138000."),
            code="mobile_format",
        )
    return number


def mobile_mask(number: str) -> str:
    """``138****8000``: the first three and the last four digits only."""
    if len(number) != 11:
        return "*" * len(number)
    return f"{number[:3]}****{number[-4:]}"


def phone_mask(number: str) -> str:
    """A mobile as :func:`mobile_mask`; a landline keeps its area code and its last four
    digits (``0771-***1234``); anything else shows its last four characters at most."""
    if len(number) == 11 and number.isdigit() and number.startswith("1"):
        return mobile_mask(number)
    area, dash, rest = number.partition("-")
    if dash and area.startswith("0") and len(rest) > 4:
        return f"{area}-{'*' * (len(rest) - 4)}{rest[-4:]}"
    if len(number) > 6:
        return "*" * (len(number) - 4) + number[-4:]
    return "*" * len(number)


# Characters that show nothing or reorder what follows: Unicode categories Cc (controls) and Cf
# (format: RLO U+202E, zero-width space U+200B, ZWJ U+200D, BOM …), plus the unassigned and
# private-use ones. Line breaks and tabs are kept in multi-line text only.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs"})
_LINE_CHARACTERS = frozenset("\n\t")


def text_visible(value: str, *, multiline: bool = False) -> str:
    """``value`` without invisible characters (controls, format characters such as the
    right-to-left override or the zero-width space), stripped. Line breaks and tabs stay in
    ``multiline`` text; ``\r\n`` becomes ``\n``."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    kept = (
        char
        for char in value
        if unicodedata.category(char) not in _INVISIBLE_CATEGORIES
        or (multiline and char in _LINE_CHARACTERS)
    )
    return "".join(kept).strip()


def text_stored(
    value: str | None,
    *,
    field: str,
    max_length: int,
    required_label: str | None = None,
    required_message: str | None = None,
) -> str:
    """Free text (a note, a reason) as the workflows store it: stripped, and refused with a
    message on ``field`` when it is empty although required (``required_label`` names it, or
    ``required_message`` says it whole), holds a NUL character (which the database cannot
    store) or is longer than ``max_length``."""
    value = (value or "").strip()
    if required_message is not None and not value:
        raise ValidationError({field: [required_message]})
    if required_label is not None and not value:
        raise ValidationError({field: [_("Enter the %(label)s.") % {"label": required_label}]})
    if "\x00" in value:
        raise ValidationError({field: [_("The text contains a character that cannot be stored.")]})
    if len(value) > max_length:
        raise ValidationError(
            {field: [_("Enter at most %(max)d characters.") % {"max": max_length}]}
        )
    return value


def name_clean(value: str) -> str:
    """A person's or an organisation's name as it is kept: NFKC (full-width letters and digits
    to ASCII), invisible characters removed, runs of white space made one space, stripped.
    An empty result means the name had nothing visible in it: the caller refuses it."""
    visible = text_visible(unicodedata.normalize("NFKC", value or ""))
    return " ".join(visible.split())


def uscc_validate(value: str) -> str:
    """Validate a unified social credit code (统一社会信用代码, GB 32100) and return it
    normalised (no spaces, upper case)."""
    code = _normalise(value)
    try:
        return str(stdnum_uscc.validate(code))
    except StdnumValidationError:
        raise ValidationError(
            _(
                "This is not a valid unified social credit code: it has 18 characters and the "
                "last one is a check character; check for a mistyped character."
            ),
            code="uscc_invalid",
        ) from None
