"""The statistics pages: who sees which scope, the figures in both languages, bad months
refused with a message and nothing computed, the records behind a figure (masked, a bounded
number of queries), the XLSX for a report (formula-safe, audited), and the public pages showing
the latest published month."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from conftest import TOTP_KEYS, MarketFactory, RegionFactory, UserFactory, add_totp_device
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from stats_scene import scene_make
from stats_support import day, posting, seeker

from accounts.models import User
from audit.models import AuditEvent
from markets.models import Market, Membership, Region, Role
from stats.models import MonthlySnapshot
from stats.selectors import areas_visible_to, screen_figures
from stats.services import stats_publish

URL = "/statistics/"
RECORDS = "/statistics/records/"
PORTAL = "/portal/"


@pytest.fixture
def scene(db: None) -> dict[str, Any]:
    return scene_make()


def _member(username: str, role: Role, **scope: Any) -> User:
    user = UserFactory.create(username=username)
    Membership.objects.create(user=user, role=role, **scope)
    add_totp_device(user, TOTP_KEYS[role])
    return user


def _client(
    verified_client: Callable[[User], Client], user: User, language: str = "zh-hans"
) -> Client:
    client = verified_client(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def lead(scene: dict[str, Any]) -> User:
    return _member("stats-lead", Role.TEAM_LEAD, market=scene["market"])


def test_a_team_lead_sees_the_month_of_the_market_in_both_languages(
    scene: dict[str, Any], lead: User, verified_client: Callable[[User], Client]
) -> None:
    query = {"scope": f"market:{scene['market'].pk}", "month": "2026-03"}
    chinese = _client(verified_client, lead).get(URL, query)
    english = _client(verified_client, lead, "en").get(URL, query)

    assert chinese.status_code == english.status_code == 200
    assert chinese.context["figures"]["openings"] == 43
    assert chinese.context["figures"]["demand_ratio"] == 14.33
    assert "求人倍率" in chinese.content.decode()
    assert "尚未发布" in chinese.content.decode()
    assert "Not published yet" in english.content.decode()
    assert "Seekers by group" in english.content.decode()
    # Every figure opens the records behind it.
    html = english.content.decode()
    assert "kind=postings&amp;cell=occupation_middle&amp;code=4-02" in html
    assert "kind=seekers&amp;cell=difficulty&amp;code=dibao" in html


def test_the_page_shows_the_published_snapshot_and_its_revisions(
    scene: dict[str, Any], lead: User, verified_client: Callable[[User], Client]
) -> None:
    stats_publish(year=2026, month=3)
    posting(scene["market"], headcount=50)
    stats_publish(year=2026, month=3, revision_reason="补录岗位")

    response = _client(verified_client, lead, "en").get(URL, {"month": "2026-03"})

    assert response.context["current"].snapshot.revision == 2
    assert response.context["figures"]["openings"] == 93
    assert [s.revision for s in response.context["revisions"]] == [2, 1]
    assert "补录岗位" in response.content.decode()


def test_an_inspector_of_the_province_chooses_market_city_or_province(
    scene: dict[str, Any], verified_client: Callable[[User], Client]
) -> None:
    inspector = _member("stats-inspector", Role.INSPECTOR, region=scene["guangxi"])
    client = _client(verified_client, inspector)

    response = client.get(URL, {"scope": "province:450000", "month": "2026-03"})

    assert response.status_code == 200
    keys = {area.key for area, _label in response.context["areas"]}
    assert {"province:450000", "region:450100", "region:450200"} <= keys
    assert response.context["figures"]["openings"] == 47


def test_a_city_inspector_gets_no_province_and_an_officer_no_other_market(
    scene: dict[str, Any], verified_client: Callable[[User], Client]
) -> None:
    city = _member("stats-city", Role.INSPECTOR, region=Region.objects.get(code="450200"))
    officer = _member("stats-liuzhou", Role.OFFICER, market=scene["other"])

    assert _client(verified_client, city).get(URL, {"scope": "province:450000"}).status_code == 404
    assert _client(verified_client, city).get(URL, {"scope": "region:450100"}).status_code == 404
    other = _client(verified_client, officer).get(URL, {"scope": f"market:{scene['market'].pk}"})
    assert other.status_code == 404
    own = _client(verified_client, officer).get(URL, {"month": "2026-03"})
    assert own.status_code == 200
    assert own.context["area"].key == f"market:{scene['other'].pk}"


def test_a_county_inspector_sees_its_markets_and_no_city(scene: dict[str, Any]) -> None:
    county = RegionFactory.create(code="450102", name="兴宁区")
    market = MarketFactory.create(region=county, name="兴宁区零工市场")
    inspector = _member("stats-county", Role.INSPECTOR, region=county)

    keys = [area.key for area in areas_visible_to(user=inspector)]

    # Not Nanning's figures, which count a market the inspector does not supervise.
    assert keys == [f"market:{market.pk}"]


def test_the_scopes_of_a_province_take_the_same_queries_for_more_cities(
    scene: dict[str, Any],
) -> None:
    inspector = _member("stats-province", Role.INSPECTOR, region=scene["guangxi"])
    areas_visible_to(user=User.objects.get(pk=inspector.pk))  # the rights, read once
    with CaptureQueriesContext(connection) as few:
        before = areas_visible_to(user=User.objects.get(pk=inspector.pk))
    for n in range(3, 8):
        city = RegionFactory.create(code=f"45{n:02d}00", name=f"第{n}市")
        MarketFactory.create(region=city, name=f"第{n}市零工市场")
    areas_visible_to(user=User.objects.get(pk=inspector.pk))  # rights renewed with regions

    with CaptureQueriesContext(connection) as many:
        areas = areas_visible_to(user=User.objects.get(pk=inspector.pk))

    assert len(areas) == len(before) + 10
    assert len(many) == len(few)
    province = next(area for area in areas if area.key == "province:450000")
    nanning = next(area for area in areas if area.key == "region:450100")
    assert province.market_ids == tuple(sorted(Market.objects.values_list("pk", flat=True)))
    assert nanning.market_ids == (scene["market"].pk,)


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "YYYY-MM"),
        ("next month", "YYYY-MM"),
        ("2999-01", "has not come yet"),
        ("2020-01", "the market opened then"),
    ],
)
def test_a_bad_month_gets_a_message_and_nothing_is_computed(
    scene: dict[str, Any],
    lead: User,
    verified_client: Callable[[User], Client],
    month: str,
    message: str,
) -> None:
    response = _client(verified_client, lead, "en").get(URL, {"month": month})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "figures" not in response.context
    assert not MonthlySnapshot.objects.exists()


def test_the_recorded_opening_day_decides_the_first_month(
    scene: dict[str, Any], lead: User, verified_client: Callable[[User], Client]
) -> None:
    """A market whose opening day is recorded has no figures before that month, whatever
    records it holds from earlier (the scene has registrations from 2025); the month it
    opened has them."""
    market = scene["market"]
    market.opened_on = day("2026-03-16")
    market.save(update_fields=["opened_on"])
    client = _client(verified_client, lead, "en")

    before = client.get(URL, {"month": "2026-02"})
    opening = client.get(URL, {"month": "2026-03"})

    assert "No figures before 2026-03: the market opened then." in before.content.decode()
    assert before.context["month"] is None and "figures" not in before.context
    assert opening.status_code == 200
    assert opening.context["figures"]["seekers"]
    assert "the market opened then" not in opening.content.decode()


def test_the_records_behind_a_figure_are_listed_masked(
    scene: dict[str, Any], lead: User, verified_client: Callable[[User], Client]
) -> None:
    client = _client(verified_client, lead)
    query = {"month": "2026-03", "kind": "postings", "cell": "occupation_middle", "code": "4-02"}

    postings = client.get(RECORDS, query)
    seekers = client.get(
        RECORDS, {"month": "2026-03", "kind": "seekers", "cell": "gender", "code": "female"}
    )

    assert sorted(p.headcount for p in postings.context["page"]) == [1, 20]
    assert "13907710001" not in postings.content.decode()
    assert len(seekers.context["page"]) == 2
    assert client.get(RECORDS, {"kind": "nothing"}).status_code == 404


def test_the_records_page_takes_the_same_queries_for_more_rows(
    scene: dict[str, Any],
    lead: User,
    verified_client: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = _client(verified_client, lead)
    for kind in ("postings", "seekers"):
        client.get(RECORDS, {"month": "2026-03", "kind": kind})  # warm the session
        with django_assert_max_num_queries(20) as few:
            client.get(RECORDS, {"month": "2026-03", "kind": kind})
        for number in range(6):
            posting(scene["market"], headcount=1)
            seeker(scene["market"], lead, registered=day("2026-03-02"), name=f"求职者{number}")
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(RECORDS, {"month": "2026-03", "kind": kind})


def test_the_xlsx_for_a_report_is_formula_safe_and_audited(
    scene: dict[str, Any], lead: User, verified_client: Callable[[User], Client]
) -> None:
    market = scene["market"]
    market.name = "=HYPERLINK(1)"
    market.save()

    response = _client(verified_client, lead).get(URL, {"month": "2026-03", "format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert texts[0].startswith("'=HYPERLINK(1)")
    assert "求人倍率" in " ".join(texts)
    assert "14.33" in texts
    event = AuditEvent.objects.get(action="stats.exported")
    assert event.actor == lead
    assert event.new_values["month"] == "2026-03"


def test_the_public_pages_show_the_latest_published_month(
    scene: dict[str, Any], client: Client
) -> None:
    market = scene["market"]
    assert screen_figures(market) is None
    before = client.get(f"{PORTAL}{market.pk}/board/")
    assert "monthly-figures" not in before.content.decode()

    with override_settings(STATS_RANKING_MIN_COUNT=1):
        stats_publish(year=2026, month=3)

    figures = screen_figures(market)
    assert figures is not None
    assert figures["month"] == "2026-03"
    assert [r["code"] for r in figures["occupation_highest"]] == ["4-02", "4-03", "6-01"]
    assert figures["wage"] == {"mean": "235.00", "median": "220.00", "counted": 4, "excluded": 4}
    for page in ("board/", "screen/", "kiosk/"):
        html = client.get(f"{PORTAL}{market.pk}/{page}").content.decode()
        assert "monthly-figures" in html, page
        assert "235.00" in html, page


def test_the_big_screen_charts_the_published_months_rankings(
    scene: dict[str, Any], client: Client
) -> None:
    market = scene["market"]
    with override_settings(STATS_RANKING_MIN_COUNT=1):
        stats_publish(year=2026, month=3)

    data = client.get(f"{PORTAL}{market.pk}/screen/figures/").json()
    html = client.get(f"{PORTAL}{market.pk}/screen/").content.decode()

    assert data["rankings"]["month"] == "2026-03"
    most = data["charts"]["screen-most-wanted"]
    assert len(most["categories"]) == 3 and most["categories"][0].startswith("1. ")
    assert most["series"][0]["data"] == [r["value"] for r in data["rankings"]["occupation_highest"]]
    assert "screen-least-wanted" in data["charts"]
    assert 'id="chart-screen-most-wanted"' in html


def test_the_month_page_takes_the_same_queries_for_more_records(
    scene: dict[str, Any],
    lead: User,
    verified_client: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = _client(verified_client, lead)
    client.get(URL, {"month": "2026-03"})  # warm the session
    with django_assert_max_num_queries(80) as few:
        client.get(URL, {"month": "2026-03"})
    for number in range(6):
        posting(scene["market"], code="4-02-06-01", headcount=2, industry="54")
        seeker(
            scene["market"],
            lead,
            registered=day("2026-03-02"),
            name=f"求职者{number}",
            wants=["4-02-06-01", "6-01-01-01"],
            difficulty=["dibao"],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"month": "2026-03"})
    assert response.context["figures"]["openings"] == 55
