"""Every rule of a registration's input, each refused with a message on its own field (all of
them at once), and nothing written when anything is wrong."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation
from seekers_support import (
    MAN_1970,
    MAN_1990,
    WOMAN_1985,
    full_profile,
    id_number_born,
    regions_make,
    seeker_make,
)

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant, Case
from markets.models import Market, Region
from workflows.seekers.models import SeekerProfile
from workflows.seekers.services import seeker_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def regions(db: None) -> dict[str, Region]:
    return regions_make()


def refused(actor: User, market: Market, **kwargs: Any) -> dict[str, list[str]]:
    """The messages per field of a registration that must fail, in English; and proof that
    it left nothing behind."""
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        seeker_make(actor, market, **kwargs)
    assert not Applicant.objects.exists()
    assert not SeekerProfile.objects.exists()
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith=("seeker.")).exists()
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("wanted_occupations", ["4-3-2-1"], "not well-formed: 4-3-2-1"),
        ("wanted_occupations", ["9-01"], "not well-formed: 9-01"),
        ("wanted_occupations", ["4-03-02-01-01"], "not well-formed"),
        ("wanted_occupations", ["搬运工"], "not well-formed: 搬运工"),
        ("wanted_occupations", "4-03-02-01", "as a list"),
        ("wanted_occupations", [40302], "as text"),
        ("wanted_occupations", [f"4-{n:02d}" for n in range(21)], "at most 20"),
        ("training_occupations", ["4-03-2"], "not well-formed: 4-03-2"),
        ("wanted_areas", ["4501"], "not six-digit division codes: 4501"),
        ("wanted_areas", ["450199"], "no region with these codes: 450199"),
        ("home_county", "450100", "not a province or city"),
        ("home_county", "459999", "no region with the code 459999"),
        ("home_county", 450102, "county of household registration"),
        ("household_type", "city", "urban or a rural"),
        ("available_days", [0], "1 (Monday) to 7 (Sunday)"),
        ("available_days", [8], "1 (Monday) to 7 (Sunday)"),
        ("available_days", ["Mon"], "1 (Monday) to 7 (Sunday)"),
        ("available_days", [True], "1 (Monday) to 7 (Sunday)"),
        ("available_from", "8点", "time of day"),
        ("min_daily_pay", 0, "more than 0 yuan"),
        ("min_daily_pay", Decimal("-50"), "more than 0 yuan"),
        ("min_daily_pay", "100000.01", "at most 100,000 yuan a day"),
        ("min_daily_pay", 3_000_000, "at most 100,000 yuan a day"),
        ("min_daily_pay", "abc", "in yuan"),
        ("min_daily_pay", "NaN", "in yuan"),
        ("min_daily_pay", "Infinity", "in yuan"),
        ("min_daily_pay", True, "in yuan"),
        ("min_daily_pay", "180.005", "two decimals"),
        ("difficulty_categories", ["veteran"], "Unknown employment-difficulty category: veteran"),
        ("certificates", ["证" * 101], "at most 100 characters"),
        ("certificates", "电工证", "as a list"),
        ("certificates", [1], "as text"),
        ("years_of_experience", -1, "from 0 to 60"),
        ("years_of_experience", 61, "from 0 to 60"),
        ("years_of_experience", 2.5, "from 0 to 60"),
        ("years_of_experience", "三", "from 0 to 60"),
        ("skills", "技" * 2001, "at most 2000 characters"),
        ("training_wish", "a\x00b", "NUL"),
    ],
)
def test_a_wrong_value_is_refused_on_its_field(
    officer: User, nanning_market: Market, field: str, value: Any, says: str
) -> None:
    errors = refused(officer, nanning_market, profile=full_profile(**{field: value}))

    assert set(errors) == {field}
    assert says in " ".join(errors[field])


@pytest.mark.parametrize(
    ("starts", "ends", "says"),
    [
        (time(18), time(8), "must end after they start (18:00–08:00)"),
        (time(9), time(9), "must end after they start"),
        (time(9), None, "both the start and the end"),
        (None, "17:30", "both the start and the end"),
    ],
)
def test_hours_must_be_given_in_order(
    officer: User, nanning_market: Market, starts: Any, ends: Any, says: str
) -> None:
    profile = full_profile(available_from=starts, available_until=ends)

    errors = refused(officer, nanning_market, profile=profile)

    assert set(errors) == {"available_until"}
    assert says in errors["available_until"][0]


def test_hours_are_checked_against_the_ones_on_record(
    officer: User, nanning_market: Market
) -> None:
    seeker_make(officer, nanning_market)  # 08:00–18:00

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        seeker_make(officer, nanning_market, profile={"available_from": "19:00"})

    assert "18:00" in caught.value.message_dict["available_until"][0]
    assert SeekerProfile.objects.get().available_from == time(8)


def test_the_4050_category_must_match_the_age_and_gender_of_the_id_number(
    officer: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    errors = refused(
        officer,
        nanning_market,
        id_number=MAN_1990,
        profile=full_profile(difficulty_categories=["4050"]),
    )
    assert errors == {
        "difficulty_categories": ["The 4050 category is for men aged 50 or over; this man is 35."]
    }

    # A woman of 40 and a man of 56 are in it.
    woman = seeker_make(
        officer,
        nanning_market,
        id_number=WOMAN_1985,
        profile=full_profile(difficulty_categories=["4050", "dibao"]),
    )
    man = seeker_make(
        officer,
        nanning_market,
        id_number=MAN_1970,
        profile=full_profile(difficulty_categories=["4050"]),
    )
    assert woman.difficulty_categories == ["4050", "dibao"]
    assert man.difficulty_categories == ["4050"]


def test_a_woman_under_40_is_not_in_the_4050_category(
    officer: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    errors = refused(
        officer,
        nanning_market,
        id_number=id_number_born("19860303", "124"),  # 39 on 2 March 2026
        profile=full_profile(difficulty_categories=["4050"]),
    )

    assert errors == {
        "difficulty_categories": [
            "The 4050 category is for women aged 40 or over; this woman is 39."
        ]
    }


def test_nobody_under_16_is_registered_as_a_job_seeker(
    officer: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    errors = refused(officer, nanning_market, id_number=id_number_born("20100303"))
    assert errors == {
        "id_number": [
            "A job seeker must be at least 16 years old (Labour Law, art. 15); this person is 15."
        ]
    }

    sixteen = seeker_make(officer, nanning_market, id_number=id_number_born("20100302"))
    assert sixteen.age() == 16


def test_every_wrong_field_is_reported_at_once(officer: User, nanning_market: Market) -> None:
    errors = refused(
        officer,
        nanning_market,
        id_number=MAN_1990[:17] + "0",
        profile=full_profile(min_daily_pay="-1", wanted_occupations=["x"], available_days=[9]),
    )

    # (The case engine reports the first of name, ID number and mobile that is wrong.)
    assert set(errors) == {
        "id_number",
        "min_daily_pay",
        "wanted_occupations",
        "available_days",
    }


def test_an_unknown_profile_field_is_a_programming_error(
    officer: User, nanning_market: Market
) -> None:
    with pytest.raises(TypeError, match="salary"):
        seeker_make(officer, nanning_market, profile=full_profile(salary=200))


def test_values_are_normalised(officer: User, nanning_market: Market) -> None:
    seeker = seeker_make(
        officer,
        nanning_market,
        profile=full_profile(
            wanted_occupations=["４－０３－０２－０１", " 4-03 ", "4-03-02-01", ""],
            wanted_areas=["４５０１０２", "450100"],
            home_county=Region.objects.get(code="450103"),
            available_days=["7", 1, 3, 1],
            available_from="00:00",
            available_until="23:59",
            min_daily_pay="100000",
            certificates=[" 电工证 ", "", "电工证"],
            years_of_experience="0",
            difficulty_categories=["dibao", "disabled", "dibao"],
        ),
    )

    seeker.refresh_from_db()
    assert seeker.wanted_occupations == ["4-03-02-01", "4-03"]
    assert seeker.wanted_areas == ["450102", "450100"]
    assert seeker.home_county is not None
    assert seeker.home_county.code == "450103"
    assert seeker.available_days == [1, 3, 7]
    assert (seeker.available_from, seeker.available_until) == (time(0), time(23, 59))
    assert seeker.min_daily_pay == Decimal("100000.00")
    assert seeker.certificates == ["电工证"]
    assert seeker.years_of_experience == 0
    # In the order of the fixed list.
    assert seeker.difficulty_categories == ["disabled", "dibao"]


def test_a_value_cleared_on_purpose_is_cleared(officer: User, nanning_market: Market) -> None:
    # Clearing is the deliberate update's (seeker_update); a blank at registration never
    # erases (tests/seekers/test_seeker_reregistration.py).
    seeker = seeker_make(officer, nanning_market)

    seeker_update(
        actor=officer,
        market=nanning_market,
        seeker=seeker,
        changes={"min_daily_pay": None, "certificates": [], "training_wish": ""},
    )

    seeker.refresh_from_db()
    assert seeker.min_daily_pay is None
    assert seeker.certificates == []
    assert seeker.training_wish == ""
