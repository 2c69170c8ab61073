"""Reads of seekers: by market, by ID number through the keyed index, and the available ones
by occupation and area for matching; none of them decrypts anything."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from seekers_support import (
    MAN_1970,
    MAN_1990,
    WOMAN_1985,
    full_profile,
    liuzhou_officer_make,
    regions_make,
    seeker_make,
)

from accounts.models import User
from cases.crypto import PersonalDataError
from markets.models import Market, Region
from workflows.seekers.models import SeekerProfile
from workflows.seekers.selectors import (
    seeker_get_by_id_number,
    seeker_list_available,
    seeker_list_for_market,
    seeker_missing_items,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def regions(db: None) -> dict[str, Region]:
    return regions_make()


@contextmanager
def decryption_refused() -> Iterator[None]:
    """Any decryption inside fails the test."""

    def refuse(token: str) -> str:
        raise PersonalDataError("a selector decrypted personal data")

    with mock.patch("cases.crypto.personal_data_decrypt", refuse):
        yield


def names(seekers: object) -> set[str]:
    return {seeker.applicant.name for seeker in seekers}  # type: ignore[attr-defined]


@pytest.fixture
def three_seekers(officer: User, nanning_market: Market) -> dict[str, SeekerProfile]:
    """A cook wanting Xingning, a guard wanting all of Nanning, and an idle hand-worker who
    wants any service work (major group 4) but has not said when."""
    return {
        "cook": seeker_make(
            officer,
            nanning_market,
            id_number=MAN_1990,
            name="厨师",
            profile=full_profile(wanted_occupations=["4-03-02-01"], wanted_areas=["450102"]),
        ),
        "guard": seeker_make(
            officer,
            nanning_market,
            id_number=WOMAN_1985,
            name="保安",
            profile=full_profile(wanted_occupations=["4-07-05-01"], wanted_areas=["450100"]),
        ),
        "any": seeker_make(
            officer,
            nanning_market,
            id_number=MAN_1970,
            name="杂工",
            profile=full_profile(
                wanted_occupations=["4"], wanted_areas=["450000"], available_days=[]
            ),
        ),
    }


def test_seekers_of_a_market_are_those_registered_there(
    officer: User, nanning_market: Market
) -> None:
    seeker_make(officer, nanning_market, id_number=MAN_1990, name="南宁人")
    outsider, liuzhou_market = liuzhou_officer_make()
    seeker_make(outsider, liuzhou_market, id_number=WOMAN_1985, name="柳州人")
    # Registered in Nanning first, updated in Liuzhou later: a seeker of both.
    seeker_make(outsider, liuzhou_market, id_number=MAN_1990, name="南宁人")

    with decryption_refused():
        assert names(seeker_list_for_market(market=nanning_market)) == {"南宁人"}
        assert names(seeker_list_for_market(market=liuzhou_market)) == {"南宁人", "柳州人"}
        masked = [
            s.applicant.id_number_masked for s in seeker_list_for_market(market=nanning_market)
        ]
    assert masked == ["450102********1238"]


def test_a_seeker_is_found_by_the_id_number_however_typed_without_decrypting(
    officer: User, nanning_market: Market
) -> None:
    seeker = seeker_make(officer, nanning_market, id_number=MAN_1990)

    with decryption_refused():
        for typed in (MAN_1990, "４５０１０２ １９９００３０７ １２３８", "450102 19900307 1238"):
            found = seeker_get_by_id_number(id_number=typed)
            assert found == seeker
            assert found is not None
            assert found.applicant.name == "韦小宝"
        assert seeker_get_by_id_number(id_number=WOMAN_1985) is None
    with pytest.raises(ValidationError) as refused:
        seeker_get_by_id_number(id_number=MAN_1990[:17] + "0")
    assert set(refused.value.message_dict) == {"id_number"}


def test_the_encrypted_fields_are_still_readable_when_asked_for(
    officer: User, nanning_market: Market
) -> None:
    seeker_make(officer, nanning_market)

    found = seeker_get_by_id_number(id_number=MAN_1990)

    assert found is not None
    assert found.applicant.id_number == MAN_1990  # deferred, loaded on demand


@pytest.mark.parametrize(
    ("occupation_prefix", "expected"),
    [
        (None, {"厨师", "保安"}),
        ("4", {"厨师", "保安"}),
        ("4-03", {"厨师"}),
        ("4-03-02-01", {"厨师"}),  # exactly
        ("4-03-02-02", set()),
        ("4-07-05-01", {"保安"}),
        ("６", set()),
    ],
)
def test_available_seekers_by_occupation(
    three_seekers: dict[str, SeekerProfile],
    occupation_prefix: str | None,
    expected: set[str],
) -> None:
    with decryption_refused():
        found = names(seeker_list_available(occupation_prefix=occupation_prefix))
    assert found == expected


def test_a_seeker_wanting_a_whole_group_matches_an_occupation_in_it(
    officer: User, nanning_market: Market
) -> None:
    seeker_make(
        officer,
        nanning_market,
        name="服务员",
        profile=full_profile(wanted_occupations=["4-03"], wanted_areas=["450103"]),
    )

    assert names(seeker_list_available(occupation_prefix="4-03-02-05")) == {"服务员"}
    assert names(seeker_list_available(occupation_prefix="4-03-02")) == {"服务员"}
    assert names(seeker_list_available(occupation_prefix="4-07-05-01")) == set()
    # 4-03 must not match 4-0 or 4-030: prefixes are whole levels.
    with pytest.raises(ValidationError):
        seeker_list_available(occupation_prefix="4-0")


@pytest.mark.parametrize(
    ("county_prefix", "expected"),
    [
        ("45", {"厨师", "保安"}),
        ("4501", {"厨师", "保安"}),
        ("450100", {"厨师", "保安"}),  # a city's own code stands for the city
        ("450102", {"厨师", "保安"}),  # the guard wants all of Nanning
        ("450103", {"保安"}),
        ("4502", set()),
        ("450202", set()),
    ],
)
def test_available_seekers_by_area(
    three_seekers: dict[str, SeekerProfile],
    county_prefix: str,
    expected: set[str],
) -> None:
    with decryption_refused():
        found = names(seeker_list_available(county_prefix=county_prefix))
    assert found == expected


def test_available_seekers_by_occupation_and_area(
    three_seekers: dict[str, SeekerProfile],
) -> None:
    found = seeker_list_available(occupation_prefix="4-07", county_prefix="450103")

    assert names(found) == {"保安"}


@pytest.mark.parametrize("county_prefix", ["4", "450", "45010", "4501020", "9901", "abcd"])
def test_a_malformed_county_prefix_is_refused(county_prefix: str) -> None:
    with pytest.raises(ValidationError) as refused:
        seeker_list_available(county_prefix=county_prefix)

    assert set(refused.value.message_dict) == {"county_prefix"}


def test_missing_items_name_what_a_complete_registration_lacks(
    officer: User, nanning_market: Market
) -> None:
    complete = seeker_make(officer, nanning_market)
    assert seeker_missing_items(seeker=complete) == []

    partial = seeker_make(
        officer,
        nanning_market,
        id_number=WOMAN_1985,
        mobile="",
        profile={"household_type": "urban"},
    )
    assert seeker_missing_items(seeker=partial) == [
        "mobile",
        "home_county",
        "wanted_occupations",
        "wanted_areas",
        "available_days",
        "available_from",
        "available_until",
    ]
