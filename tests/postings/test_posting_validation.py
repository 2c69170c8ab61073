"""Checking a posting (standard art. 14; 劳动合同法 art. 68, 72; the minimum wage; the lawful-
content screen): every bad input is refused with a message that names the field and the rule."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from conftest import RegionFactory
from django.core.exceptions import ValidationError
from django.utils import translation
from posting_support import posting_data, qingxiu_make

from markets.models import Region
from workflows.postings.screening import CATEGORY_LABELS, blocking, screen_posting
from workflows.postings.validation import (
    LABELS,
    REQUIRED,
    PostingInput,
    pay_daily_of,
    posting_validate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setting(nanning: Region, frozen_time: time_machine.Traveller) -> Iterator[None]:
    qingxiu_make()
    with translation.override("en"):
        yield


def refused(**overrides: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        posting_validate(posting_data(**overrides))
    return caught.value.message_dict


def only_message(errors: dict[str, list[str]], field: str) -> str:
    """The one message on ``field``, which must name the field first."""
    assert field in errors, errors
    assert len(errors[field]) == 1, errors[field]
    message = errors[field][0]
    assert message.startswith(f"{LABELS[field]}: "), message
    return message


def test_lawful_posting_is_cleaned_and_normalised() -> None:
    cleaned = posting_validate(posting_data())

    assert isinstance(cleaned, PostingInput)
    assert cleaned.occupation.name == "餐厅服务员"
    assert cleaned.county.code == "450103"
    assert cleaned.contact_phone == "13907710001"
    assert cleaned.hours_per_day == Decimal("8.00")
    assert (cleaned.pay_min, cleaned.pay_max) == (Decimal("200.00"), Decimal("240.00"))
    assert cleaned.pay_daily == Decimal("200.00")
    assert cleaned.findings == []


# --- Art. 14: every item ------------------------------------------------------------------------


@pytest.mark.parametrize("field", REQUIRED)
def test_each_item_standard_art_14_requires_is_refused_when_missing(field: str) -> None:
    errors = refused(**{field: ""})

    message = only_message(errors, field)
    assert "required (standard art. 14)" in message


def test_pay_max_left_out_means_a_single_amount() -> None:
    cleaned = posting_validate(posting_data(pay_max=""))

    assert cleaned.pay_min == cleaned.pay_max == Decimal("200.00")


# --- Pay ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("-5", "more than zero"),
        ("0", "more than zero"),
        ("NaN", "as a number"),
        ("inf", "as a number"),
        ("-Infinity", "as a number"),
        ("1e9", "less than 1,000,000 yuan"),
        ("两百元", "as a number"),
        (200.5, "as a number"),
        ("200.555", "two decimal places"),
    ],
)
def test_bad_pay_is_refused(value: object, rule: str) -> None:
    message = only_message(refused(pay_min=value, pay_max=""), "pay_min")

    assert rule in message


def test_upside_down_pay_range_is_refused() -> None:
    message = only_message(refused(pay_min="240", pay_max="200"), "pay_max")

    assert "must not be less than the pay from (240.00)" in message
    assert "upside down" in message


def test_hourly_pay_below_the_hourly_minimum_wage_is_refused_with_figure_and_date() -> None:
    message = only_message(refused(pay_method="hourly", pay_min="19.99", pay_max=""), "pay_min")

    assert "19.99 yuan per hour is below the minimum wage of 20.10 yuan per hour" in message
    assert "青秀区" in message
    assert "in force since 2022-04-01" in message


def test_hourly_pay_at_the_minimum_wage_is_accepted() -> None:
    cleaned = posting_validate(posting_data(pay_method="hourly", pay_min="20.10", pay_max=""))

    assert cleaned.pay_daily == Decimal("160.80")  # 20.10 × 8 hours


def test_daily_pay_below_hourly_minimum_times_daily_hours_is_refused() -> None:
    # 8 working hours (09:00–18:00 less a 1-hour break) × 20.10 = 160.80.
    message = only_message(refused(pay_min="160.79", pay_max=""), "pay_min")

    assert "160.79 yuan per day is below the minimum wage of 160.80 yuan per day" in message
    assert "in force since 2022-04-01" in message


def test_monthly_pay_below_the_monthly_minimum_wage_is_refused() -> None:
    message = only_message(
        refused(pay_method="monthly", settlement="monthly", pay_min="1989", pay_max=""),
        "pay_min",
    )

    assert "1989.00 yuan per month is below the minimum wage of 1990.00 yuan per month" in message


def test_minimum_wage_of_a_county_without_its_own_tier_falls_back_to_the_region() -> None:
    """隆安县 (450123) has no tier of its own: Guangxi's 三类, 1690 a month, applies."""
    RegionFactory.create(code="450123", name="隆安县")
    message = only_message(
        refused(county="450123", pay_method="monthly", settlement="monthly", pay_min="1689.99"),
        "pay_min",
    )

    assert "below the minimum wage of 1690.00 yuan per month in 隆安县" in message


# --- Dates, times, headcount ----------------------------------------------------------------------


def test_start_date_in_the_past_is_refused() -> None:
    message = only_message(refused(start_date="2026-03-01"), "start_date")

    assert "must not be in the past (today is 2026-03-02)" in message


def test_end_date_before_start_date_is_refused() -> None:
    message = only_message(refused(end_date="2026-03-02"), "end_date")

    assert "must not be before the first working day" in message


def test_impossible_date_is_refused() -> None:
    message = only_message(refused(end_date="2026-02-30"), "end_date")

    assert "real date as YYYY-MM-DD" in message


def test_posting_longer_than_366_days_is_refused() -> None:
    assert posting_validate(posting_data(end_date="2027-03-03")).end_date.year == 2027
    message = only_message(refused(end_date="2027-03-04"), "end_date")

    assert "at most 366 days" in message


@pytest.mark.parametrize("headcount", ["0", "10001", "-1", "五"])
def test_headcount_outside_1_to_10000_is_refused(headcount: str) -> None:
    message = only_message(refused(headcount=headcount), "headcount")

    assert "between 1 and 10,000 people" in message or "whole number" in message


def test_headcount_of_10000_is_accepted() -> None:
    assert posting_validate(posting_data(headcount="10000")).headcount == 10_000


def test_same_start_and_end_time_is_refused() -> None:
    message = only_message(refused(end_time="09:00"), "end_time")

    assert "must differ from the start time" in message


def test_night_shift_crossing_midnight_counts_its_hours() -> None:
    cleaned = posting_validate(
        posting_data(start_time="22:00", end_time="06:00", break_minutes="0")
    )

    assert cleaned.hours_per_day == Decimal("8.00")


# --- Part-time work (非全日制): 劳动合同法 art. 68, 72 --------------------------------------------


def part_time(**overrides: Any) -> dict[str, Any]:
    values = {
        "employment_form": "part_time",
        "pay_method": "hourly",
        "pay_min": "25",
        "pay_max": "",
        "start_time": "18:00",
        "end_time": "22:00",
        "break_minutes": "0",
        "days_per_week": "5",
        "settlement": "weekly",
    }
    values.update(overrides)
    return values


def test_lawful_part_time_posting_is_accepted() -> None:
    cleaned = posting_validate(posting_data(**part_time()))

    assert cleaned.hours_per_day == Decimal("4.00")
    assert cleaned.pay_daily == Decimal("100.00")


def test_part_time_over_4_hours_a_day_is_refused() -> None:
    message = only_message(refused(**part_time(end_time="22:30")), "end_time")

    assert "at most 4 hours a day" in message
    assert "Labour Contract Law art. 68" in message
    assert "4.5 hours" in message


def test_part_time_over_24_hours_a_week_is_refused() -> None:
    message = only_message(refused(**part_time(days_per_week="7")), "days_per_week")

    assert "at most 24 hours a week" in message
    assert "Labour Contract Law art. 68" in message
    assert "28 hours" in message


def test_part_time_settled_monthly_is_refused() -> None:
    message = only_message(refused(**part_time(settlement="monthly")), "settlement")

    assert "at least every 15 days" in message
    assert "Labour Contract Law art. 72" in message


# --- Free text ------------------------------------------------------------------------------------


def test_script_and_html_in_free_text_are_kept_as_text() -> None:
    markup = '<script>alert("x")</script><b onclick="steal()">急招</b> & 包吃住'
    cleaned = posting_validate(posting_data(description=markup, skill_requirements=markup))

    assert cleaned.description == markup
    assert cleaned.skill_requirements == markup


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\u202e"])
def test_control_characters_in_free_text_are_refused(char: str) -> None:
    message = only_message(refused(description=f"午市服务{char}晚市服务"), "description")

    assert "control characters are not allowed" in message
    assert f"U+{ord(char):04X}" in message


def test_line_breaks_and_tabs_in_free_text_are_kept() -> None:
    text = "1. 摆台\n2. 点菜\t3. 收台"

    assert posting_validate(posting_data(description=text)).description == text


def test_too_long_free_text_is_refused() -> None:
    message = only_message(refused(description="好" * 4001), "description")

    assert "at most 4000 characters (this is 4001)" in message


# --- Other fields ---------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["12345", "2345678901", "0771"])
def test_bad_contact_phone_is_refused(phone: str) -> None:
    message = only_message(refused(contact_phone=phone), "contact_phone")

    assert "mobile number" in message
    assert "landline" in message


def test_landline_with_area_code_is_accepted() -> None:
    assert posting_validate(posting_data(contact_phone="0771-5501234")).contact_phone == (
        "0771-5501234"
    )


def test_occupation_category_instead_of_occupation_is_refused() -> None:
    message = only_message(refused(occupation="4"), "occupation")

    assert "not a category" in message


def test_unknown_occupation_is_refused() -> None:
    message = only_message(refused(occupation="9-99-99-99"), "occupation")

    assert "national classification" in message


def test_city_instead_of_county_is_refused() -> None:
    message = only_message(refused(county="450100"), "county")

    assert "county or district" in message


def test_latitude_without_longitude_is_refused() -> None:
    message = only_message(refused(latitude="22.817"), "longitude")

    assert "both latitude and longitude" in message


def test_unknown_pay_method_is_refused() -> None:
    message = only_message(refused(pay_method="yearly"), "pay_method")

    assert "choose one of: hourly, daily, weekly, monthly, piece, job" in message


# --- Public-welfare jobs (公益性岗位, art. 20) ----------------------------------------------------


def test_public_welfare_job_keeps_its_eligibility_categories() -> None:
    cleaned = posting_validate(
        posting_data(is_public_welfare=True, eligibility=["4050", "disabled", "4050"])
    )

    assert cleaned.eligibility == ["4050", "disabled"]


def test_public_welfare_job_without_categories_is_refused() -> None:
    message = only_message(refused(is_public_welfare=True), "eligibility")

    assert "standard art. 20" in message


def test_unknown_eligibility_category_is_refused() -> None:
    message = only_message(
        refused(is_public_welfare=True, eligibility=["4050", "vip"]), "eligibility"
    )

    assert "unknown categories vip" in message


# --- The lawful-content screen (art. 14: nothing discriminatory) ----------------------------------


DISCRIMINATORY = "只招男性，限35岁以下"


def test_discriminatory_posting_is_refused_with_phrase_category_and_basis() -> None:
    expected = blocking(screen_posting(DISCRIMINATORY))
    assert expected, "the screen must block this text"

    errors = refused(skill_requirements=DISCRIMINATORY)

    messages = errors["skill_requirements"]
    assert len(messages) == len(expected)
    for finding, message in zip(expected, messages, strict=True):
        assert message.startswith(f"{LABELS['skill_requirements']}: ")
        assert f"“{finding.phrase}”" in message
        assert str(CATEGORY_LABELS[finding.category]) in message
        assert f"({finding.category})" not in message  # the label, never the code
        assert str(finding.basis) in message


def test_screen_exception_without_written_justification_is_refused() -> None:
    message = only_message(
        refused(screening_exceptions=["gender"], screening_justification=""),
        "screening_justification",
    )

    assert "team lead's written justification" in message


def test_no_justification_excepts_a_household_registration_limit() -> None:
    message = only_message(
        refused(
            description="限本地户口",
            screening_exceptions=["household_registration"],
            screening_justification="本地项目",
        ),
        "screening_exceptions",
    )

    assert "no justification makes household_registration lawful" in message


def test_age_limit_is_a_warning_recorded_with_its_field() -> None:
    cleaned = posting_validate(posting_data(skill_requirements="限35岁以下，有经验"))

    [(field, finding)] = cleaned.findings
    assert field == "skill_requirements"
    assert (finding.category, finding.severity) == ("age", "warn")
    assert cleaned.findings_json()[0]["field"] == "skill_requirements"


# --- Pay normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pay", "method", "hours", "daily"),
    [
        ("4350", "monthly", "8", "200.00"),  # ÷ 21.75
        ("2000", "monthly", "8", "91.95"),
        ("1000", "weekly", "8", "200.00"),  # ÷ 5
        ("25", "hourly", "7.5", "187.50"),  # × hours a day
        ("180", "daily", "8", "180.00"),
        ("3", "piece", "8", None),
        ("500", "job", "8", None),
    ],
)
def test_pay_is_normalised_to_a_daily_figure(
    pay: str, method: str, hours: str, daily: str | None
) -> None:
    result = pay_daily_of(Decimal(pay), method, Decimal(hours))

    assert result == (Decimal(daily) if daily is not None else None)
