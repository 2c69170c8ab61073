"""Explainable matching (standard art. 17): candidates are chosen in the database (published,
open, in the wanted areas' cities and the wanted occupation groups), ranked in Python, and every
score comes with its reasons in words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.utils import translation
from guidance_support import (
    QINGXIU,
    QINGXIU_EAST,
    TODAY,
    employer_make,
    posting_make,
    regions_make,
    seeker_make,
)

from accounts.models import User
from cases.models import Applicant
from markets.models import Market
from workflows.guidance import matching
from workflows.guidance.matching import (
    WEIGHTS,
    Match,
    hours_overlap,
    match_postings,
    match_seekers,
    skill_words,
    working_days_parse,
)
from workflows.postings.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setting(frozen_time: time_machine.Traveller) -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def employer(officer: User, nanning_market: Market) -> Applicant:
    regions_make()
    return employer_make(officer)


def texts(matches: list[Match]) -> set[str]:
    return {reason.text for match in matches for reason in match.reasons}


# --- Pure rules ------------------------------------------------------------------------------


def test_working_days_are_read_from_the_postings_words() -> None:
    assert working_days_parse("周一至周五") == {1, 2, 3, 4, 5}
    assert working_days_parse("周六、周日") == {6, 7}
    assert working_days_parse("周末及节假日") == {6, 7}
    assert working_days_parse("每天") == set(range(1, 8))
    assert working_days_parse("星期五到星期一") == {5, 6, 7, 1}
    assert working_days_parse("排班") == set()


def test_a_night_shift_overlaps_the_evening_and_the_early_morning() -> None:
    # 22:00–06:00 against 06:00–23:00 available: one hour in the evening only.
    assert hours_overlap(time(22), time(6), time(6), time(23)) == (1.0, 8.0)
    assert hours_overlap(time(9), time(18), time(8), time(13)) == (4.0, 9.0)
    assert hours_overlap(time(9), time(12), time(13), time(18)) == (0.0, 3.0)


def test_skill_words_come_from_certificates_and_skills() -> None:
    words = skill_words("会电动车配送，熟悉南宁城区道路", ["机动车驾驶证（C1）"])
    assert words == ("机动车驾驶证（C1）", "机动车驾驶证", "C1", "电动车配送", "南宁城区道路")


def test_weights_add_up_to_a_hundred() -> None:
    assert sum(WEIGHTS.values()) == 100


# --- Ranking ---------------------------------------------------------------------------------


def test_exact_occupation_in_same_county_beats_group_match_in_another_city(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    seeker = seeker_make(officer, nanning_market, wanted_areas=["450103", "450202"])
    # The group match is newer and pays more: occupation and place still decide.
    group_elsewhere = posting_make(
        employer, nanning_market, occupation="4-03-02-01", county="450202", pay_daily=300
    )
    exact_here = posting_make(employer, nanning_market, published_days_ago=3)

    matches = match_postings(seeker, today=TODAY)

    assert [match.posting for match in matches] == [exact_here, group_elsewhere]
    assert matches[0].score > matches[1].score
    assert "Same occupation (餐厅服务员)" in texts(matches[:1])
    assert "Same occupation group (4-03-02)" in texts(matches[1:])


def test_every_kind_of_reason_appears_with_its_words(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    seeker = seeker_make(
        officer,
        nanning_market,
        wanted_areas=["450103"],
        available_days=[1, 2, 3, 6, 7],
        available_from=time(8, 0),
        available_until=time(13, 0),
        certificates=["电工证"],
    )
    posting_make(
        employer,
        nanning_market,
        latitude=Decimal(str(QINGXIU_EAST[0])),
        longitude=Decimal(str(QINGXIU_EAST[1])),
        skill_requirements="持电工证，有餐厅服务经验",
    )
    posting_make(
        employer,
        nanning_market,
        occupation="4-03-01-02",
        county="450102",
        pay_daily=Decimal("120"),
        published_days_ago=2,
    )
    posting_make(
        employer,
        nanning_market,
        occupation="4-03-02-02",
        pay_method="piece",
        pay_daily=None,
        published_days_ago=1,
    )

    matches = match_postings(seeker, today=TODAY, home=QINGXIU)

    assert texts(matches) >= {
        "Same occupation (餐厅服务员)",
        "Same occupation group (4-03-02)",
        "Same occupation group (4-03)",
        "Work in the seeker's wanted area (青秀区)",
        "Same city (南宁市)",
        "5.0 km from home",
        "Works on 3 of the seeker's 5 available days",
        "Hours overlap by 4 h",
        "Pays 200 yuan/day, at least the 150 expected",
        "Pays below the expected 150 yuan/day: 120 yuan/day",
        "Pay Per piece: not comparable with a daily figure",
        "Skills mentioned: 电工证",
        "Posted today",
        "Posted 2 days ago",
    }
    assert {reason.criterion for match in matches for reason in match.reasons} == set(WEIGHTS)
    for match in matches:
        assert match.score == round(sum(reason.points for reason in match.reasons))
        assert all(
            0 <= reason.points <= reason.weight == WEIGHTS[reason.criterion]
            for reason in match.reasons
        )
        # The largest contribution first.
        assert [r.points for r in match.reasons] == sorted(
            (r.points for r in match.reasons), reverse=True
        )


def test_no_published_posting_outside_the_candidate_filter_is_returned(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    seeker = seeker_make(officer, nanning_market, wanted_occupations=["4-03-02-05", "6-31-01-03"])
    inside = {
        posting_make(employer, nanning_market),  # the occupation, the county
        posting_make(employer, nanning_market, county="450102"),  # the county's city
        posting_make(employer, nanning_market, occupation="4-03-01-01"),  # the 中类 4-03
        posting_make(employer, nanning_market, occupation="6-31-01-03"),  # the other wanted
    }
    posting_make(employer, nanning_market, county="450202")  # another city (Liuzhou)
    posting_make(employer, nanning_market, county="450302")  # another city (Guilin)
    posting_make(employer, nanning_market, occupation="4-07-05-01")  # another 中类 of 4
    posting_make(employer, nanning_market, occupation="5-01-02-01")  # another 大类

    assert {match.posting for match in match_postings(seeker, today=TODAY)} == inside


def test_expired_or_unpublished_postings_never_match(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    seeker = seeker_make(officer, nanning_market)
    open_posting = posting_make(employer, nanning_market)
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.FILLED, Status.WITHDRAWN):
        posting_make(employer, nanning_market, status=status)
    posting_make(employer, nanning_market, status=Status.EXPIRED, published_days_ago=40)
    # Still marked published, but its last working day was yesterday (the nightly sweep has
    # not run yet).
    posting_make(
        employer,
        nanning_market,
        start_date=TODAY - timedelta(days=10),
        end_date=TODAY - timedelta(days=1),
        published_days_ago=12,
    )

    assert [match.posting for match in match_postings(seeker, today=TODAY)] == [open_posting]


def test_the_candidates_are_capped_newest_first(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    seeker = seeker_make(officer, nanning_market)
    old = posting_make(employer, nanning_market, published_days_ago=5)
    new = posting_make(employer, nanning_market, published_days_ago=1)
    with mock.patch.object(matching, "CANDIDATES", 1):
        assert [match.posting for match in match_postings(seeker, today=TODAY)] == [new]
    assert [match.posting for match in match_postings(seeker, limit=1, today=TODAY)] == [new]
    assert old in {match.posting for match in match_postings(seeker, today=TODAY)}


def test_the_reverse_match_ranks_seekers(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    posting = posting_make(employer, nanning_market)
    best = seeker_make(officer, nanning_market, number=0, name="韦小宝")
    second = seeker_make(
        officer,
        nanning_market,
        number=1,
        name="覃小红",
        wanted_occupations=["4-03"],
        wanted_areas=["450102"],
        min_daily_pay=Decimal("300"),
    )
    seeker_make(  # wants security work: not a candidate
        officer, nanning_market, number=2, name="蒙大山", wanted_occupations=["4-07-05-01"]
    )

    matches = match_seekers(posting, today=TODAY)

    assert [match.seeker for match in matches] == [best, second]
    assert matches[0].score > matches[1].score
    assert all(match.posting == posting for match in matches)
    assert "In the wanted occupation group (4-03)" in texts(matches[1:])
    assert "Same city (南宁市)" in texts(matches[1:])
    assert "Pays below the expected 300 yuan/day: 200 yuan/day" in texts(matches[1:])


def test_explanations_are_non_empty_and_go_through_gettext(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    seeker = seeker_make(officer, nanning_market, available_days=[1, 2])
    posting_make(employer, nanning_market, pay_method="job", pay_daily=None)
    posting_make(employer, nanning_market, county="450102", published_days_ago=1)

    def marked(text: str) -> str:
        return f"«{text}»"

    def marked_plural(singular: str, plural: str, number: int) -> str:
        return f"«{singular if number == 1 else plural}»"

    with (
        mock.patch.object(matching, "_", side_effect=marked),
        mock.patch.object(matching, "ngettext", side_effect=marked_plural),
    ):
        matches = match_postings(seeker, today=TODAY)
        reverse = match_seekers(matches[0].posting, today=TODAY)

    reasons: list[Any] = [reason for match in [*matches, *reverse] for reason in match.reasons]
    assert len(matches) == 2
    assert reasons
    for reason in reasons:
        assert reason.text.startswith("«")
        assert len(reason.text.strip("«»").strip()) > 0
