"""Applicants' identifiers: resident ID numbers (GB 11643), mobile numbers, unified social
credit codes (GB 32100) and their masks. Pure functions: no database."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from stdnum.cn import ric

from cases.identity import (
    ResidentId,
    mobile_mask,
    mobile_normalise,
    resident_id_check_character,
    resident_id_mask,
    resident_id_parse,
    uscc_validate,
)
from markets.models import Division

TODAY = date(2026, 3, 2)


def error_code(excinfo: pytest.ExceptionInfo[ValidationError]) -> str | None:
    return excinfo.value.code


# --- Resident ID numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_17", "check"),
    [
        # The check characters below were computed by hand with the GB 11643 weights
        # (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) and agree with python-stdnum's.
        ("45010219900307123", "8"),
        ("45020319851120002", "1"),
        ("44030420000229004", "9"),
        ("71000019800101001", "0"),
        ("11010519491231002", "X"),  # the example published with GB 11643-1999
    ],
)
def test_check_character_follows_iso_7064_mod_11_2(first_17: str, check: str) -> None:
    assert resident_id_check_character(first_17) == check
    assert ric.calc_check_digit(first_17 + check) == check


def test_the_published_example_parses_with_birth_date_gender_and_area() -> None:
    parsed = resident_id_parse("11010519491231002X", today=TODAY)

    assert parsed == ResidentId(
        number="11010519491231002X",
        birth_date=date(1949, 12, 31),
        gender="female",  # 17th digit 2: even
        area_code="110105",
    )


def test_an_odd_seventeenth_digit_is_a_man() -> None:
    parsed = resident_id_parse("450102199003071238", today=TODAY)

    assert parsed.gender == "male"
    assert parsed.birth_date == date(1990, 3, 7)
    assert parsed.area_code == "450102"


def test_a_leap_day_birth_date_is_accepted() -> None:
    assert resident_id_parse("440304200002290049", today=TODAY).birth_date == date(2000, 2, 29)


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",  # lower-case x
        "11010519491231002Ｘ",  # full-width X
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits
        " 110105 19491231 002X ",  # spaces
        "110105\u300019491231\u3000002x",  # ideographic spaces
    ],
)
def test_full_width_lower_case_and_spaced_input_is_normalised(typed: str) -> None:
    assert resident_id_parse(typed, today=TODAY).number == "11010519491231002X"


def test_today_defaults_to_the_current_date() -> None:
    assert resident_id_parse("450102199003071238").birth_date == date(1990, 3, 7)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "45010219900307123",  # 17
        "4501021990030712388",  # 19
        "45010219900307123A",  # a letter other than X
        "4501021990030712X8",  # X before the end
        "45010219900307-238",
    ],
)
def test_wrong_length_or_characters_is_an_id_format_error(typed: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        resident_id_parse(typed, today=TODAY)

    assert error_code(excinfo) == "id_format"


@pytest.mark.parametrize(
    "first_17",
    [
        "45010219900230123",  # 30 February
        "45010219901301123",  # month 13
        "45010219900000123",  # month 0, day 0
        "45010218991231123",  # before 1900
        "45010220260303123",  # the day after TODAY
        "45010230000101123",  # far future
    ],
)
def test_an_impossible_birth_date_is_an_id_birth_date_error(first_17: str) -> None:
    # A correct check character, so that the birth date is the only fault.
    number = first_17 + resident_id_check_character(first_17)

    with pytest.raises(ValidationError) as excinfo:
        resident_id_parse(number, today=TODAY)

    assert error_code(excinfo) == "id_birth_date"


def test_a_birth_date_of_today_is_accepted() -> None:
    first_17 = "45010220260302123"
    number = first_17 + resident_id_check_character(first_17)

    assert resident_id_parse(number, today=TODAY).birth_date == TODAY


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # published example with a digit in place of X
        "450102199003071239",  # last digit off by one
        "450102199003071283",  # two digits swapped
    ],
)
def test_a_wrong_check_character_is_an_id_check_character_error(number: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        resident_id_parse(number, today=TODAY)

    assert error_code(excinfo) == "id_check_character"


@pytest.mark.django_db
@pytest.mark.parametrize("area", ["000000", "990101", "450199", "160101", "100000"])
def test_an_area_that_was_never_a_division_code_is_an_id_area_error(area: str) -> None:
    first_17 = area + "19900101001"
    number = first_17 + resident_id_check_character(first_17)

    with pytest.raises(ValidationError) as excinfo:
        resident_id_parse(number, today=TODAY)

    assert error_code(excinfo) == "id_area"
    assert area in excinfo.value.messages[0]


@pytest.mark.parametrize(
    "area",
    [
        "450110",  # 武鸣区, in force
        "450122",  # 武鸣县, until 2015: its people keep their numbers
        "330114",  # 钱塘区 (2021), unknown to python-stdnum's table
        "132102",  # a prefecture's code of the 1980s, unknown to python-stdnum's table
        "810000",  # Hong Kong
    ],
)
def test_a_current_or_past_division_code_is_a_known_area(area: str) -> None:
    first_17 = area + "19900101001"

    parsed = resident_id_parse(first_17 + resident_id_check_character(first_17), today=TODAY)

    assert parsed.area_code == area


@pytest.mark.django_db
def test_a_code_of_an_edition_loaded_later_is_a_known_area() -> None:
    first_17 = "450199" + "20200101001"
    number = first_17 + resident_id_check_character(first_17)
    Division.objects.create(code="450199", name="新设区", level="county", edition="2026")

    assert resident_id_parse(number, today=TODAY).area_code == "450199"


def test_messages_are_translated_to_chinese() -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        resident_id_parse("110105194912310021", today=TODAY)

    assert "校验码" in excinfo.value.messages[0]


def test_a_message_names_the_wrong_length() -> None:
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        resident_id_parse("12345", today=TODAY)

    assert excinfo.value.messages == ["A resident ID number has 18 characters; this one has 5."]


def test_resident_id_mask_keeps_the_area_and_the_last_four() -> None:
    assert resident_id_mask("450102199003071234") == "450102********1234"
    assert resident_id_mask("11010519491231002X") == "110105********002X"


def test_resident_id_mask_hides_a_malformed_number_whole() -> None:
    assert resident_id_mask("4501021990") == "**********"


# --- Mobile numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "+86 138 0013 8000",
        "+8613800138000",
        "0086-13800138000",
        "8613800138000",
        "８６１３８００１３８０００",  # full-width digits
        "＋８６　１３８－００１３－８０００",  # full-width plus, dash and space
        "138-0013-8000",
        "(+86) 138 0013 8000",
    ],
)
def test_mobile_numbers_are_normalised_to_eleven_digits(typed: str) -> None:
    assert mobile_normalise(typed) == "13800138000"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_every_mobile_prefix_from_13_to_19_is_accepted(prefix: str) -> None:
    assert mobile_normalise(prefix + "912345678") == prefix + "912345678"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "12800138000",  # 12 is no mobile prefix
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits
        "23800138000",
        "0771-5501234",  # a landline
        "+1 138 0013 8000",  # another country
        "+86 138 0013 800O",  # letter O for zero
        "12333",
    ],
)
def test_anything_but_a_mainland_mobile_is_a_mobile_format_error(typed: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        mobile_normalise(typed)

    assert error_code(excinfo) == "mobile_format"


def test_mobile_mask_keeps_the_first_three_and_last_four_digits() -> None:
    assert mobile_mask("13800138000") == "138****8000"


# --- Unified social credit codes ----------------------------------------------------------------


def test_a_valid_unified_social_credit_code_is_returned_normalised() -> None:
    assert uscc_validate(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert uscc_validate("91350100M000100Y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    "typed",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # 17 characters
        "",
        "91350100M00010OY43",  # letter O is never used
    ],
)
def test_an_invalid_unified_social_credit_code_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        uscc_validate(typed)

    assert error_code(excinfo) == "uscc_invalid"
