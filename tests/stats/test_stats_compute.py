"""The monthly figures (standard art. 15) against a hand-computed fixture: March 2026 in
Nanning's market (and Liuzhou's, for the province).

Postings of Nanning (people wanted, occupation 中类, industry, pay → a day's wage):

- P1 10 × 4-03, 62 餐饮业 (H), 200 a day                 → 200.00
- P2  5 × 4-03, 62 餐饮业 (H), 4 350 a month ÷ 21.75      → 200.00
- P3 20 × 4-02, 54 道路运输业 (G), 30 an hour × 8 hours   → 240.00
- P4  3 × 6-01, unknown industry, 2 a piece × 150 a day   → 300.00
- P5  2 × 6-01, a piece rate without a daily output       → excluded (not convertible)
- P6  1 × 4-02, per job                                   → excluded (not convertible)
- P7  1 × 4-03, 0 a day                                   → excluded (out of bounds)
- P8  1 × 4-03, 50 000 000 a day                          → excluded (out of bounds)
- not counted: published in April, filled in February, last day in February, a draft.

Openings 43 (4-03: 17, 4-02: 21, 6-01: 5); wage mean (200+200+240+300)/4 = 235.00, median
(200+240)/2 = 220.00, 4 excluded.

Seekers of Nanning (registrations active in March: made from 1 Dec 2025 to 31 Mar 2026):
S1 man born 1990-03-07 (36: 35-44), rural, wants 4-03 ×2, disabled, registered twice in March;
S2 woman born 2000-05-01 (25: 25-34), urban, wants 4-03 and 4-02; S3 woman born 1970-01-01
(56: 55+), rural, wants 6-01, 4050 and dibao, registered 15 Dec 2025. Not counted: registered
in November, in April, a withdrawn registration. Seekers 3; 求人倍率 43 ÷ 3 = 14.33.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from conftest import MarketFactory
from django.test import override_settings
from stats_scene import scene_make
from stats_support import day, person, posting, seeker

from accounts.models import User
from cases.models import Case
from markets.models import Market
from stats.compute import (
    Month,
    area_of_market,
    area_of_region,
    demand_ratio,
    figures_compute,
    headline_compute,
    rankings_of,
)
from workflows.postings.models import Posting
from workflows.seekers.models import SeekerProfile

MARCH = Month(2026, 3)


@pytest.fixture
def scene(db: None) -> dict[str, Any]:
    return scene_make()


def _by_code(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in rows}


@override_settings(STATS_RANKING_MIN_COUNT=1)
def test_market_month_figures_match_the_hand_computed_fixture(scene: dict[str, Any]) -> None:
    figures = figures_compute(area=area_of_market(scene["market"]), month=MARCH)

    assert figures["openings"] == 43
    assert figures["postings"] == 8
    assert figures["seekers"] == 3
    assert figures["demand_ratio"] == 14.33
    middle = _by_code(figures["by_occupation_middle"])
    assert {c: (r["openings"], r["seekers"], r["demand_ratio"]) for c, r in middle.items()} == {
        "4-02": (21, 1, 21.0),
        "4-03": (17, 2, 8.5),
        "6-01": (5, 1, 5.0),
    }
    major = _by_code(figures["by_occupation_major"])
    assert (major["4"]["openings"], major["4"]["seekers"]) == (38, 2)
    assert (major["6"]["openings"], major["6"]["seekers"]) == (5, 1)
    division = _by_code(figures["by_industry_division"])
    assert {c: r["openings"] for c, r in division.items()} == {"62": 15, "54": 20, "unknown": 8}
    assert division["62"]["name"] == "餐饮业"
    section = _by_code(figures["by_industry_section"])
    assert {c: r["openings"] for c, r in section.items()} == {"H": 15, "G": 20, "unknown": 8}


def test_groups_count_each_person_once(scene: dict[str, Any]) -> None:
    groups = figures_compute(area=area_of_market(scene["market"]), month=MARCH)["by_group"]

    def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
        return {row["code"]: row["seekers"] for row in rows if row["seekers"]}

    assert counts(groups["gender"]) == {"male": 1, "female": 2}
    assert counts(groups["age_band"]) == {"25-34": 1, "35-44": 1, "55+": 1}
    assert counts(groups["household_type"]) == {"rural": 2, "urban": 1}
    assert counts(groups["difficulty"]) == {"disabled": 1, "4050": 1, "dibao": 1}


def test_a_person_without_a_profile_counts_in_the_groups_the_person_record_gives(
    scene: dict[str, Any],
) -> None:
    """A registration whose person has no profile (left unfinished): a seeker, counted by
    gender and age, not by household registration or difficulty; a person whose difficulty
    list names a category twice counts once in it."""
    market, officer = scene["market"], User.objects.get(username="stats-officer")
    bare = person(gender="male", born=day("1990-06-01"))
    seeker(market, officer, registered=day("2026-03-12"))  # a profile, then taken away
    registration = Case.objects.filter(kind="seeker_registration").latest("pk")
    SeekerProfile.objects.filter(applicant=registration.applicant).delete()
    registration.applicant = bare
    registration.save(update_fields=["applicant"])
    seeker(market, officer, registered=day("2026-03-13"), difficulty=["dibao", "dibao"])

    figures = figures_compute(area=area_of_market(market), month=MARCH)
    groups = figures["by_group"]

    def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
        return {row["code"]: row["seekers"] for row in rows if row["seekers"]}

    assert figures["seekers"] == 5
    assert counts(groups["gender"]) == {"male": 3, "female": 2}
    assert sum(counts(groups["age_band"]).values()) == 5
    assert counts(groups["household_type"]) == {"rural": 3, "urban": 1}
    assert counts(groups["difficulty"]) == {"disabled": 1, "4050": 1, "dibao": 2}


def test_a_person_counts_once_per_occupation_cell_whatever_the_list_repeats(
    scene: dict[str, Any],
) -> None:
    market, officer = scene["market"], User.objects.get(username="stats-officer")
    area = area_of_market(market)
    before = figures_compute(area=area, month=MARCH)
    seeker(
        market,
        officer,
        registered=day("2026-03-12"),
        wants=["4-03-02-01", "4-02-06-01", "4-03-02-05", "4-03-02-01", "6-01-01-01"],
    )

    after = figures_compute(area=area, month=MARCH)

    def seekers(figures: dict[str, Any], cells: str) -> dict[str, int]:
        return {row["code"]: row["seekers"] for row in figures[cells]}

    grown = {
        cells: {
            code: n - seekers(before, cells).get(code, 0)
            for code, n in seekers(after, cells).items()
            if n != seekers(before, cells).get(code, 0)
        }
        for cells in ("by_occupation_major", "by_occupation_middle")
    }
    assert grown == {
        "by_occupation_major": {"4": 1, "6": 1},
        "by_occupation_middle": {"4-03": 1, "4-02": 1, "6-01": 1},
    }


def test_persons_wanting_the_same_list_each_count_in_its_cells(scene: dict[str, Any]) -> None:
    """The cells are counted once per distinct list, weighed by how many persons want it:
    three persons with one list and a fourth with the same codes in another order each count
    once per cell, not once per list."""
    market, officer = scene["market"], User.objects.get(username="stats-officer")
    area = area_of_market(market)
    before = figures_compute(area=area, month=MARCH)
    for registered in ("2026-03-10", "2026-03-11", "2026-03-12"):
        seeker(market, officer, registered=day(registered), wants=["4-02-06-01", "6-01-01-01"])
    seeker(market, officer, registered=day("2026-03-13"), wants=["6-01-01-01", "4-02-06-01"])

    after = figures_compute(area=area, month=MARCH)

    def grown(cells: str) -> dict[str, int]:
        earlier = {row["code"]: row["seekers"] for row in before[cells]}
        return {
            row["code"]: row["seekers"] - earlier.get(row["code"], 0)
            for row in after[cells]
            if row["seekers"] != earlier.get(row["code"], 0)
        }

    assert after["seekers"] - before["seekers"] == 4
    assert grown("by_occupation_major") == {"4": 4, "6": 4}
    assert grown("by_occupation_middle") == {"4-02": 4, "6-01": 4}


def test_daily_wage_conversions_and_the_excluded_count(scene: dict[str, Any]) -> None:
    wage = figures_compute(area=area_of_market(scene["market"]), month=MARCH)["wage"]

    assert wage["mean"] == "235.00"
    assert wage["median"] == "220.00"
    assert wage["counted"] == 4
    assert wage["excluded"] == 4
    assert wage["excluded_not_convertible"] == 2
    assert wage["excluded_out_of_bounds"] == 2


def test_the_day_wage_the_database_keeps_follows_the_pay(scene: dict[str, Any]) -> None:
    """``Posting.day_wage`` (a stored generated column) for each pay method of the fixture,
    and again after a piece rate's stated output is changed."""
    rows = Posting.objects.filter(market=scene["market"], status="published").values_list(
        "pay_method", "pay_min", "piece_daily_output", "day_wage"
    )
    kept = {(m, str(pay), output, None if w is None else str(w)) for m, pay, output, w in rows}

    assert {
        ("daily", "200.00", None, "200.00"),
        ("monthly", "4350.00", None, "200.00"),
        ("hourly", "30.00", None, "240.00"),
        ("piece", "2.00", 150, "300.00"),
        ("piece", "2.00", None, None),
        ("job", "500.00", None, None),
    } <= kept
    piece = Posting.objects.get(market=scene["market"], piece_daily_output=150)
    piece.piece_daily_output = 200
    piece.save(update_fields=["piece_daily_output"])
    piece.refresh_from_db()
    assert piece.day_wage == Decimal("400.00")


@override_settings(STATS_RANKING_MIN_COUNT=1)
def test_rankings_order_by_demand_ratio(scene: dict[str, Any]) -> None:
    rankings = figures_compute(area=area_of_market(scene["market"]), month=MARCH)["rankings"]

    assert [(r["rank"], r["code"]) for r in rankings["occupation_highest"]] == [
        (1, "4-02"),
        (2, "4-03"),
        (3, "6-01"),
    ]
    assert [r["code"] for r in rankings["occupation_lowest"]] == ["6-01", "4-03", "4-02"]
    assert [(r["rank"], r["code"]) for r in rankings["industry_highest"]] == [(1, "54"), (2, "62")]


@override_settings(STATS_RANKING_MIN_COUNT=2)
def test_a_cell_below_the_minimum_count_is_not_ranked(scene: dict[str, Any]) -> None:
    rankings = figures_compute(area=area_of_market(scene["market"]), month=MARCH)["rankings"]

    # 4-02 and 6-01 have one seeker each: shown in the tables, not ranked.
    assert [r["code"] for r in rankings["occupation_highest"]] == ["4-03"]
    assert rankings["min_count"] == 2


@override_settings(STATS_RANKING_MIN_COUNT=1, STATS_RANKING_SIZE=2)
def test_ties_share_a_rank_and_are_kept_at_the_cut() -> None:
    rows = [
        {"code": "4-01", "openings": 10, "seekers": 5, "demand_ratio": 2.0},
        {"code": "4-02", "openings": 4, "seekers": 2, "demand_ratio": 2.0},
        {"code": "4-03", "openings": 9, "seekers": 3, "demand_ratio": 3.0},
        {"code": "4-04", "openings": 6, "seekers": 3, "demand_ratio": 2.0},
        {"code": "4-05", "openings": 1, "seekers": 1, "demand_ratio": 1.0},
    ]

    rankings = rankings_of(rows, [])

    assert [(r["rank"], r["code"]) for r in rankings["occupation_highest"]] == [
        (1, "4-03"),
        (2, "4-01"),
        (2, "4-02"),
        (2, "4-04"),
    ]
    assert [(r["rank"], r["code"]) for r in rankings["occupation_lowest"]] == [
        (1, "4-05"),
        (2, "4-01"),
        (2, "4-02"),
        (2, "4-04"),
    ]


def test_a_market_without_seekers_has_no_data_not_zero(scene: dict[str, Any]) -> None:
    empty = MarketFactory.create(region=scene["nanning"], name="南宁市第二零工市场")
    posting(empty, headcount=7)

    figures = figures_compute(area=area_of_market(empty), month=MARCH)

    assert figures["openings"] == 7
    assert figures["seekers"] == 0
    assert figures["demand_ratio"] is None
    assert figures["by_occupation_middle"][0]["demand_ratio"] is None
    assert demand_ratio(0, 0) is None


def test_a_market_without_postings_has_no_wage(scene: dict[str, Any]) -> None:
    empty: Market = MarketFactory.create(region=scene["nanning"], name="南宁市第三零工市场")

    wage = figures_compute(area=area_of_market(empty), month=MARCH)["wage"]

    assert (wage["mean"], wage["median"], wage["counted"], wage["excluded"]) == (None, None, 0, 0)


def test_the_province_and_a_city_add_up_their_markets(scene: dict[str, Any]) -> None:
    province = figures_compute(area=area_of_region(scene["guangxi"]), month=MARCH)
    city = figures_compute(area=area_of_region(scene["nanning"]), month=MARCH)

    # Liuzhou adds 4 openings; S1 registered in both markets is one seeker of the province.
    assert (province["openings"], province["seekers"]) == (47, 3)
    assert province["demand_ratio"] == 15.67
    assert {row["name"]: row["seekers"] for row in province["by_market"]} == {
        "南宁市零工市场": 3,
        "柳州市零工市场": 1,
    }
    assert (city["openings"], city["seekers"], city["scope"]) == (43, 3, "region")


def test_the_headline_figures_are_those_of_the_whole_month(scene: dict[str, Any]) -> None:
    """What the comparisons read of a month not published is what its full compute says."""
    for area in (area_of_market(scene["market"]), area_of_region(scene["market"].region)):
        whole = figures_compute(area=area, month=MARCH)
        headline = headline_compute(area=area, month=MARCH)
        assert headline == {key: whole[key] for key in headline}
        assert headline["openings"] and headline["seekers"]
