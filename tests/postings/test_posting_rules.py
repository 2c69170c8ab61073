"""Each rule of ``posting_validate`` called alone on a draft: what it cleans, what it refuses,
and that it leaves alone a field an earlier rule has already refused. The whole check, rule
after rule, is tested in test_posting_validation.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from posting_support import TODAY, posting_data, qingxiu_make

from markets.models import Region
from workflows.postings.screening import blocking, screen_posting
from workflows.postings.validation import (
    LABELS,
    REQUIRED,
    Draft,
    check_choices,
    check_contact_phone,
    check_coordinates,
    check_county,
    check_dates,
    check_days_per_week,
    check_free_text,
    check_headcount,
    check_hours,
    check_minimum_wage,
    check_occupation,
    check_part_time,
    check_pay,
    check_public_welfare,
    check_required,
    check_screening,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def draft_of(cleaned: dict[str, Any] | None = None, **overrides: Any) -> Draft:
    """A draft of the lawful waiter's job in posting_support, with ``overrides`` handed in and
    ``cleaned`` as earlier rules would have left it."""
    return Draft(data=posting_data(**overrides), today=TODAY, cleaned=dict(cleaned or {}))


def messages(draft: Draft) -> dict[str, list[str]]:
    return draft.errors.by_field


def rule_of(draft: Draft, field: str) -> str:
    """The one message on ``field`` without its label."""
    [message] = messages(draft)[field]
    prefix = f"{LABELS[field]}: "
    assert message.startswith(prefix), message
    return message.removeprefix(prefix)


def flagged(draft: Draft, field: str) -> Draft:
    """``draft`` with ``field`` already refused by an earlier rule."""
    draft.errors.add(field, "refused earlier.")
    return draft


# --- Required fields ------------------------------------------------------------------------------


def test_check_required_refuses_each_missing_item_and_only_those() -> None:
    draft = draft_of(contact_name="  ", headcount=None, description="")

    check_required(draft)

    assert list(messages(draft)) == ["contact_name", "headcount"]
    assert rule_of(draft, "headcount") == "this is required (standard art. 14)."
    assert draft.cleaned == {}


def test_check_required_accepts_a_complete_posting() -> None:
    draft = draft_of()

    check_required(draft)

    assert messages(draft) == {}
    assert set(REQUIRED) <= set(draft.data)


# --- Free text ------------------------------------------------------------------------------------


def test_check_free_text_keeps_text_stripped_and_refuses_control_characters() -> None:
    draft = draft_of(address="  民族大道 100 号\n", description="好\u202e坏")

    check_free_text(draft)

    assert draft.cleaned["address"] == "民族大道 100 号"
    assert draft.cleaned["description"] == ""
    assert rule_of(draft, "description") == ("control characters are not allowed (found U+202E).")
    assert list(messages(draft)) == ["description"]


def test_check_free_text_refuses_too_long_text_and_skips_a_refused_field() -> None:
    draft = flagged(draft_of(working_days="一" * 101, contact_name=""), "contact_name")

    check_free_text(draft)

    assert rule_of(draft, "working_days") == "at most 100 characters (this is 101)."
    assert "contact_name" not in draft.cleaned


# --- Contact --------------------------------------------------------------------------------------


def test_check_contact_phone_normalises_a_mobile_number() -> None:
    draft = draft_of(contact_phone="139 0771 0001")

    check_contact_phone(draft)

    assert draft.cleaned["contact_phone"] == "13907710001"
    assert messages(draft) == {}


def test_check_contact_phone_refuses_a_number_that_is_neither_mobile_nor_landline() -> None:
    draft = draft_of(contact_phone="0771")

    check_contact_phone(draft)

    assert "landline with its area code" in rule_of(draft, "contact_phone")
    assert draft.cleaned["contact_phone"] == ""


def test_check_contact_phone_skips_a_phone_already_refused() -> None:
    draft = flagged(draft_of(contact_phone=""), "contact_phone")

    check_contact_phone(draft)

    assert messages(draft)["contact_phone"] == ["Contact phone: refused earlier."]
    assert "contact_phone" not in draft.cleaned


# --- Occupation and county (read the classification and the regions) -----------------------------


@pytest.mark.django_db
def test_check_occupation_takes_an_occupation_and_refuses_a_category() -> None:
    accepted, refused = draft_of(), draft_of(occupation="4")

    check_occupation(accepted)
    check_occupation(refused)

    assert accepted.cleaned["occupation"].code == "4-03-02-05"
    assert messages(accepted) == {}
    assert "not a category" in rule_of(refused, "occupation")
    assert refused.cleaned["occupation"] is None


@pytest.mark.django_db
def test_check_county_takes_a_county_and_refuses_a_city(nanning: Region) -> None:
    qingxiu_make()
    accepted, refused = draft_of(), draft_of(county="450100")

    check_county(accepted)
    check_county(refused)

    assert accepted.cleaned["county"].code == "450103"
    assert messages(accepted) == {}
    assert rule_of(refused, "county") == (
        "choose the county or district (区县) where the work is done."
    )
    assert refused.cleaned["county"] is None


# --- Coordinates ----------------------------------------------------------------------------------


def test_check_coordinates_quantises_both_and_refuses_one_alone() -> None:
    both = draft_of(latitude="22.8170001", longitude="108.3669")
    one = draft_of(latitude="22.817")

    check_coordinates(both)
    check_coordinates(one)

    assert (both.cleaned["latitude"], both.cleaned["longitude"]) == (
        Decimal("22.817000"),
        Decimal("108.366900"),
    )
    assert rule_of(one, "longitude") == "give both latitude and longitude, or neither."
    assert (one.cleaned["latitude"], one.cleaned["longitude"]) == (None, None)


def test_check_coordinates_refuses_a_latitude_out_of_range() -> None:
    draft = draft_of(latitude="91", longitude="108.3")

    check_coordinates(draft)

    assert rule_of(draft, "latitude") == "between -90 and 90 degrees."
    assert draft.cleaned["latitude"] is None
    assert draft.cleaned["longitude"] == Decimal("108.300000")


# --- Dates ----------------------------------------------------------------------------------------


def test_check_dates_parses_both_days() -> None:
    draft = draft_of()

    check_dates(draft)

    assert (draft.cleaned["start_date"], draft.cleaned["end_date"]) == (
        date(2026, 3, 3),
        date(2026, 3, 31),
    )
    assert messages(draft) == {}


def test_check_dates_refuses_a_past_start_against_the_draft_s_today() -> None:
    draft = draft_of(start_date="2026-03-01")

    check_dates(draft)

    assert rule_of(draft, "start_date") == "must not be in the past (today is 2026-03-02)."


def test_check_dates_refuses_an_end_before_the_start_and_a_run_over_366_days() -> None:
    upside_down = draft_of(end_date="2026-03-02")
    too_long = draft_of(end_date="2027-03-04")  # 2026-03-03 .. 2027-03-04: 367 days

    check_dates(upside_down)
    check_dates(too_long)

    assert rule_of(upside_down, "end_date") == "must not be before the first working day."
    assert "at most 366 days" in rule_of(too_long, "end_date")


def test_check_dates_refuses_an_impossible_date() -> None:
    draft = draft_of(end_date="2026-02-30")

    check_dates(draft)

    assert rule_of(draft, "end_date") == "enter a real date as YYYY-MM-DD."
    assert draft.cleaned["end_date"] is None


# --- Hours ----------------------------------------------------------------------------------------


def test_check_hours_counts_a_night_shift_across_midnight() -> None:
    draft = draft_of(start_time="22:00", end_time="06:00", break_minutes="60")

    check_hours(draft)

    assert (draft.cleaned["start_time"], draft.cleaned["end_time"]) == (time(22), time(6))
    assert draft.cleaned["break_minutes"] == 60
    assert draft.cleaned["hours_per_day"] == Decimal("7.00")
    assert messages(draft) == {}


def test_check_hours_refuses_the_same_start_and_end() -> None:
    draft = draft_of(start_time="09:00", end_time="09:00")

    check_hours(draft)

    assert rule_of(draft, "end_time") == "must differ from the start time."
    assert draft.cleaned["hours_per_day"] is None


def test_check_hours_refuses_breaks_as_long_as_the_day() -> None:
    draft = draft_of(start_time="09:00", end_time="10:00", break_minutes="60")

    check_hours(draft)

    assert rule_of(draft, "break_minutes") == "the breaks must be shorter than the working day."
    assert draft.cleaned["hours_per_day"] is None


def test_check_hours_refuses_breaks_of_a_day_or_more() -> None:
    draft = draft_of(break_minutes="1440")

    check_hours(draft)

    assert rule_of(draft, "break_minutes") == "between 0 and 1439 minutes a day."
    assert draft.cleaned["break_minutes"] == 0
    assert draft.cleaned["hours_per_day"] == Decimal("9.00")


# --- Days a week, pay, choices, headcount ---------------------------------------------------------


@pytest.mark.parametrize(("days", "cleaned"), [("5", 5), ("８", None), ("0", None)])
def test_check_days_per_week_takes_1_to_7(days: str, cleaned: int | None) -> None:
    draft = draft_of(days_per_week=days)

    check_days_per_week(draft)

    assert draft.cleaned["days_per_week"] == cleaned
    assert (cleaned is None) == ("days_per_week" in messages(draft))


def test_check_pay_takes_pay_max_as_pay_min_when_left_out() -> None:
    draft = draft_of(pay_min="１５０.5", pay_max="")

    check_pay(draft)

    assert draft.cleaned["pay_min"] == draft.cleaned["pay_max"] == Decimal("150.50")
    assert messages(draft) == {}


def test_check_pay_refuses_an_upside_down_range() -> None:
    draft = draft_of(pay_min="240", pay_max="200")

    check_pay(draft)

    assert rule_of(draft, "pay_max") == (
        "must not be less than the pay from (240.00); the range is upside down."
    )


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("0", "the amount must be more than zero."),
        ("1000000", "the amount must be less than 1,000,000 yuan; check for extra zeros."),
        ("150.555", "at most two decimal places (fen)."),
        (150.5, "enter an amount as a number such as 150 or 150.50."),
    ],
)
def test_check_pay_refuses_a_bad_amount(value: object, rule: str) -> None:
    draft = draft_of(pay_min=value, pay_max="")

    check_pay(draft)

    assert rule_of(draft, "pay_min") == rule
    assert draft.cleaned["pay_min"] is None


def test_check_choices_refuses_an_unknown_choice_and_keeps_the_known_ones() -> None:
    draft = draft_of(settlement="yearly")

    check_choices(draft)

    assert rule_of(draft, "settlement").startswith("choose one of: daily, ")
    assert draft.cleaned == {
        "pay_method": "daily",
        "settlement": "",
        "employment_form": "temporary",
    }


@pytest.mark.parametrize(("headcount", "cleaned"), [("10000", 10_000), ("10001", 10_001)])
def test_check_headcount_takes_1_to_10000(headcount: str, cleaned: int) -> None:
    draft = draft_of(headcount=headcount)

    check_headcount(draft)

    assert draft.cleaned["headcount"] == cleaned
    if cleaned > 10_000:
        assert rule_of(draft, "headcount") == "between 1 and 10,000 people."
    else:
        assert messages(draft) == {}


# --- Public-welfare jobs --------------------------------------------------------------------------


def test_check_public_welfare_keeps_the_categories_once_each() -> None:
    draft = draft_of(is_public_welfare=True, eligibility=["4050", "disabled", "4050"])

    check_public_welfare(draft)

    assert draft.cleaned["is_public_welfare"] is True
    assert draft.cleaned["eligibility"] == ["4050", "disabled"]
    assert messages(draft) == {}


@pytest.mark.parametrize(
    ("welfare", "eligibility", "field", "part"),
    [
        (True, [], "eligibility", "names who it is for"),
        (False, ["4050"], "eligibility", "only a public-welfare job"),
        (True, ["nobody"], "eligibility", "unknown categories nobody"),
        (False, "4050", "eligibility", "give a list of category codes."),
        ("yes", [], "is_public_welfare", "answer yes or no."),
    ],
)
def test_check_public_welfare_refuses_categories_that_do_not_fit(
    welfare: object, eligibility: object, field: str, part: str
) -> None:
    draft = draft_of(is_public_welfare=welfare, eligibility=eligibility)

    check_public_welfare(draft)

    assert part in rule_of(draft, field)


# --- Working time and the minimum wage (need what earlier rules cleaned) --------------------------

PART_TIME: dict[str, Any] = {
    "employment_form": "part_time",
    "settlement": "weekly",
    "days_per_week": 5,
    "hours_per_day": Decimal("4.00"),
}


def test_check_part_time_accepts_4_hours_a_day_5_days_a_week() -> None:
    draft = draft_of(cleaned=PART_TIME)

    check_part_time(draft)

    assert messages(draft) == {}


def test_check_part_time_refuses_long_days_long_weeks_and_monthly_pay() -> None:
    draft = draft_of(
        cleaned={
            **PART_TIME,
            "hours_per_day": Decimal("5.00"),
            "settlement": "monthly",
        }
    )

    check_part_time(draft)

    assert list(messages(draft)) == ["end_time", "days_per_week", "settlement"]
    assert "this is 5 hours" in rule_of(draft, "end_time")
    assert "this is 25 hours" in rule_of(draft, "days_per_week")
    assert "at least every 15 days" in rule_of(draft, "settlement")


def test_check_part_time_waits_for_the_hours_a_day() -> None:
    draft = draft_of(cleaned={**PART_TIME, "hours_per_day": None, "settlement": "monthly"})

    check_part_time(draft)

    assert messages(draft) == {}


@pytest.mark.django_db
def test_check_minimum_wage_refuses_hourly_pay_below_the_county_s_tier(nanning: Region) -> None:
    county = qingxiu_make()
    cleaned = {
        "employment_form": "temporary",
        "settlement": "daily",
        "days_per_week": 5,
        "hours_per_day": Decimal("8.00"),
        "county": county,
        "pay_method": "hourly",
        "start_date": TODAY,
    }
    below = draft_of(cleaned={**cleaned, "pay_min": Decimal("20.09")})
    at = draft_of(cleaned={**cleaned, "pay_min": Decimal("20.10")})

    check_minimum_wage(below)
    check_minimum_wage(at)

    message = rule_of(below, "pay_min")
    assert "20.09 yuan per hour is below the minimum wage of 20.10 yuan per hour" in message
    assert "in force since 2022-04-01" in message
    assert messages(at) == {}


def test_check_minimum_wage_waits_for_the_county() -> None:
    draft = draft_of(cleaned={**PART_TIME, "pay_min": Decimal("1"), "pay_method": "hourly"})

    check_minimum_wage(draft)  # no county cleaned: nothing to compare with, no database read

    assert messages(draft) == {}


# --- The lawful-content screen --------------------------------------------------------------------


def test_check_screening_refuses_blocking_phrases_and_keeps_every_finding() -> None:
    text = "只招男性，限35岁以下"
    draft = draft_of(cleaned={"skill_requirements": text, "description": "好"})

    check_screening(draft)

    found = screen_posting(text)
    assert len(messages(draft)["skill_requirements"]) == len(blocking(found)) > 0
    assert draft.cleaned["findings"] == [("skill_requirements", f) for f in found]
    assert draft.cleaned["screening_exceptions"] == []


def test_check_screening_excepts_a_justified_category() -> None:
    draft = draft_of(
        cleaned={"skill_requirements": "限男性", "screening_justification": "井下作业"},
        screening_exceptions=["gender", "gender"],
    )

    check_screening(draft)

    assert messages(draft) == {}
    assert draft.cleaned["screening_exceptions"] == ["gender"]
    [(field, finding)] = draft.cleaned["findings"]
    assert (field, finding.category, finding.justification) == (
        "skill_requirements",
        "gender",
        "井下作业",
    )


def test_check_screening_refuses_an_exception_without_justification() -> None:
    draft = draft_of(cleaned={"skill_requirements": "有经验"}, screening_exceptions=["gender"])

    check_screening(draft)

    assert "team lead's written justification" in rule_of(draft, "screening_justification")


def test_check_screening_skips_a_field_already_refused() -> None:
    draft = flagged(draft_of(cleaned={"description": "只招男性"}), "description")

    check_screening(draft)

    assert messages(draft)["description"] == ["Description: refused earlier."]
    assert draft.cleaned["findings"] == []
