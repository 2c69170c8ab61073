"""The big screen's charts (issue 12, item 4): today's postings and seekers hour by hour and the
wage level, counted by hand; the JSON the screen fetches to refresh them without a reload
(public, nothing personal, computed at most once per few seconds per market, with a place for
the monthly rankings); each chart's table on the page and as CSV/XLSX."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from conftest import FROZEN_AT, MarketFactory, applicant_make
from django.test import Client
from openpyxl import load_workbook
from portal_support import (
    CONTACT_NAME,
    CONTACT_PHONE,
    ORGANISATION_NAME,
    organisation_employer,
    posting_make,
)

from accounts.models import User
from cases.models import Case, State
from markets.models import Market, Region
from portal.selectors import WAGE_BANDS, screen_day
from workflows.postings.models import Posting, Status

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = FROZEN_AT.date()  # 2026-03-02


def at(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=SHANGHAI) + timedelta(days=days)


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(at(16), tick=False) as traveller:
        yield traveller


@pytest.fixture
def day_made(nanning_market: Market, liuzhou: Region, officer: User) -> None:
    """Today in Nanning: postings published at 08:00 (1 wanted, piece pay), 09:15 (3), 09:45
    (2), 10:00 (9, withdrawn since) and 14:00 (5), one yesterday at 23:59 and one in Liuzhou
    (neither today's); the published ones' daily pay 99.99, 100, 150, 300 and none; the
    withdrawn posting's 500 is left out of the wage level. Job seekers
    registered at 10:00 and 10:59, one at 11:00; another kind and another market left out."""
    employer = organisation_employer()
    liuzhou_market = MarketFactory.create(region=liuzhou, name="柳州市零工市场")

    def posting(when: datetime, headcount: int, pay: str | None, **fields: Any) -> None:
        posting_make(
            market=fields.pop("market", nanning_market),
            employer=employer,
            published_at=when,
            headcount=headcount,
            pay_daily=Decimal(pay) if pay is not None else None,
            **fields,
        )

    posting(at(9, 15), 3, "99.99")
    posting(at(9, 45), 2, "100.00")
    posting(at(14), 5, "150.00")
    posting(at(23, 59, days=-1), 4, "300.00")
    posting(at(8), 1, None)  # published today at 08:00, piece pay: no daily figure
    posting(at(10), 9, "500.00", status=Status.WITHDRAWN, market=nanning_market)
    posting(at(10), 7, "120.00", market=liuzhou_market)

    applicant = applicant_make(officer)
    serial = iter(range(1, 100))

    def registration(when: datetime, *, kind: str = "seeker_registration", **fields: Any) -> None:
        Case.objects.create(
            reference=f"450100-2026-{next(serial):06d}",
            kind=kind,
            state=State.NEW,
            market=fields.pop("market", nanning_market),
            channel="counter",
            applicant=applicant,
            subject="求职登记",
            first_contact_officer=officer,
            opened_at=when,
        )

    registration(at(10))
    registration(at(10, 59))
    registration(at(11))
    registration(at(11), kind="policy_consultation")
    registration(at(11), market=liuzhou_market)


def test_today_and_the_wage_level_counted_by_hand(
    frozen: Any,
    day_made: None,
    nanning_market: Market,
    django_assert_num_queries: Callable[[int], Any],
) -> None:
    with django_assert_num_queries(2):
        day, wages = screen_day(market=nanning_market, day=TODAY)

    # Published today (the one withdrawn since was published today too): 08:00, 09:15, 09:45,
    # 10:00 and 14:00.
    postings = dict.fromkeys(range(24), 0) | {8: 1, 9: 2, 10: 1, 14: 1}
    openings = dict.fromkeys(range(24), 0) | {8: 1, 9: 5, 10: 9, 14: 5}
    seekers = dict.fromkeys(range(24), 0) | {10: 2, 11: 1}
    assert day.postings_by_hour == list(postings.values())
    assert day.openings_by_hour == list(openings.values())
    assert day.seekers_by_hour == list(seekers.values())
    assert (day.postings, day.openings, day.seekers) == (5, 20, 3)
    # Published now (the withdrawn one is not): 99.99 | 100 | 150 | 300 | none.
    assert WAGE_BANDS[0] == (0, 100)
    assert wages.bands == [1, 1, 1, 0, 0, 1]
    assert wages.mean == Decimal("162")  # (99.99 + 100 + 150 + 300) / 4 = 162.4975
    assert wages.without_daily_pay == 1


def test_a_market_with_nothing_today_shows_no_data_not_zero_pay(
    frozen: Any, nanning_market: Market, client: Client
) -> None:
    day, wages = screen_day(market=nanning_market, day=TODAY)
    data = client.get(f"/portal/{nanning_market.pk}/screen/figures/").json()

    assert day.postings == day.seekers == 0
    assert wages.mean is None and wages.bands == [0] * len(WAGE_BANDS)
    assert data["figures"]["mean_daily_pay"] == "—"


def test_the_screen_draws_each_chart_with_its_table_and_the_glue_from_our_own_files(
    frozen: Any, day_made: None, nanning_market: Market, client: Client
) -> None:
    page = client.get(f"/portal/{nanning_market.pk}/screen/").content.decode()

    assert '<script src="/static/vendor/echarts/echarts.min.js" defer></script>' in page
    assert '<script src="/static/js/charts.js" defer></script>' in page
    assert "http://" not in page.split("<body")[0] and "https://" not in page.split("<body")[0]
    for name in ("screen-today", "screen-wages"):
        assert f'id="chart-{name}" data-chart="chart-{name}-data"' in page
        assert f'<script id="chart-{name}-data" type="application/json">' in page
        assert f'<table id="chart-{name}-table"' in page
    assert '<th scope="row">150–200</th><td class="number">1</td>' in page
    assert f'data-charts-refresh="/portal/{nanning_market.pk}/screen/figures/"' in page
    # The list of jobs turns its pages by script, without a reload; without script the page
    # reloads itself (the refresh only in <noscript>).
    assert '<script src="/static/portal/screen.js" defer></script>' in page
    assert 'data-rotate-url="?page=1" data-rotate-seconds="60"' in page
    assert '<noscript><meta http-equiv="refresh" content="60;url=?page=1"></noscript>' in page
    for figure in ("clock", "postings_today", "cases_opened", "seekers_today", "mean_daily_pay"):
        assert f'data-figure="{figure}"' in page


def test_the_json_refreshes_the_charts_with_nothing_personal_and_a_place_for_the_rankings(
    frozen: Any, day_made: None, nanning_market: Market, client: Client
) -> None:
    response = client.get(f"/portal/{nanning_market.pk}/screen/figures/")
    text = response.content.decode()
    data = response.json()

    assert response.status_code == 200
    assert set(data) == {"charts", "figures", "rankings", "at"}
    assert data["rankings"] is None  # no month published yet: no ranking charts either
    assert set(data["charts"]) == {"screen-today", "screen-wages"}
    assert data["charts"]["screen-wages"]["series"][0]["data"] == [1, 1, 1, 0, 0, 1]
    assert data["figures"] == {
        "postings_today": 5,
        "openings_today": 20,
        "seekers_today": 3,
        "mean_daily_pay": "162",
        "cases_opened": 4,  # three registrations and a policy consultation
        "cases_closed": 0,
        "clock": "2026-03-02 16:00",
    }
    for private in (CONTACT_NAME, CONTACT_PHONE, ORGANISATION_NAME, "韦小宝", "13800138000"):
        assert private not in text


def test_the_json_is_computed_at_most_once_per_few_seconds_per_market(
    frozen: Any,
    day_made: None,
    nanning_market: Market,
    client: Client,
    django_assert_max_num_queries: Callable[[int], Any],
) -> None:
    url = f"/portal/{nanning_market.pk}/screen/figures/"
    first = client.get(url).json()
    employer = Posting.objects.filter(market=nanning_market).first().employer
    posting_make(market=nanning_market, employer=employer, pay_daily=Decimal(200))

    with django_assert_max_num_queries(1):  # the market only
        again = client.get(url).json()
    frozen.shift(timedelta(seconds=11))
    later = client.get(url).json()

    assert again == first
    assert later["figures"]["postings_today"] == first["figures"]["postings_today"] + 1


def test_an_inactive_market_has_no_screen_figures(nanning_market: Market, client: Client) -> None:
    nanning_market.is_active = False
    nanning_market.save()

    assert client.get(f"/portal/{nanning_market.pk}/screen/figures/").status_code == 404
    assert client.get("/portal/999999/screen/figures/").status_code == 404


def test_each_screen_chart_downloads_as_csv_and_xlsx_with_the_tables_figures(
    frozen: Any, day_made: None, nanning_market: Market, client: Client
) -> None:
    url = f"/portal/{nanning_market.pk}/screen/"
    csv = client.get(url, {"chart": "screen-wages", "format": "csv"})
    xlsx = client.get(url, {"chart": "screen-wages", "format": "xlsx"})

    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv["Content-Disposition"] == (
        f'attachment; filename="screen-{nanning_market.pk}-screen-wages.csv"'
    )
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "元/日,岗位数"
    assert lines[1:] == ["0–100,1", "100–150,1", "150–200,1", "200–250,0", "250–300,0", "≥ 300,1"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()][3] == ["150–200", 1]
    assert client.get(url, {"chart": "nothing", "format": "csv"}).status_code == 404
    assert client.get(url, {"chart": "screen-wages", "format": "pdf"}).status_code == 404
