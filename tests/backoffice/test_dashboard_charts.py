"""The charts of the supervision pages (issue 12, item 4): the team lead's dashboard and the
inspector's region view show each chart with its table of the same figures, in Chinese and in
English; each table downloads as CSV and XLSX under the page's own access rule, safe to open
(no formula runs), with the page's filters, and leaves an event in the log; the region view is
for inspectors only and its queries do not grow with the markets and cases."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from conftest import applicant_make, case_make
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook
from test_case_query_bounds import bulk_cases
from test_case_support import market_make, staff_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import State
from markets.models import Market, Region, Role

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]
EVIL_NAME = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture
def liuzhou_market(guangxi: Region) -> Market:
    return market_make("450200", "柳州市")


def dashboard(client: Client, market: Market, **query: str) -> Any:
    return client.get(f"/sla/market/{market.pk}/", query)


# --- The team lead's dashboard --------------------------------------------------------------


def test_the_dashboard_shows_every_chart_with_its_table_and_downloads(
    officer: User, team_lead: User, nanning_market: Market, verified_client: Clients
) -> None:
    case_make(officer)
    html = dashboard(verified_client(team_lead), nanning_market).content.decode()

    assert '<script src="/static/vendor/echarts/echarts.min.js" defer></script>' in html
    assert '<script src="/static/js/charts.js" defer></script>' in html
    for name in ("on-time-weekly", "alerts-weekly", "cases-by-kind", "workload-officer"):
        assert f'id="chart-{name}" data-chart="chart-{name}-data"' in html
        assert f'<script id="chart-{name}-data" type="application/json">' in html
        assert f'<table id="chart-{name}-table"' in html
        assert f'href="?chart={name}&amp;format=csv"' in html
        assert f'href="?chart={name}&amp;format=xlsx"' in html
    # The officer's open case is in the workload table, under the officer's name.
    assert f'<th scope="row">{officer.full_name}</th>' in html


def test_a_download_holds_the_tables_figures_safely_and_is_recorded(
    officer: User, team_lead: User, nanning_market: Market, verified_client: Clients
) -> None:
    officer.full_name = EVIL_NAME
    officer.save()
    case_make(officer)
    case_make(officer, subject="第二件")
    client = verified_client(team_lead)

    csv = dashboard(client, nanning_market, chart="workload-officer", format="csv")
    xlsx = dashboard(client, nanning_market, chart="workload-officer", format="xlsx")

    assert csv.status_code == 200
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv["Content-Disposition"] == (
        f'attachment; filename="sla-{nanning_market.pk}-workload-officer.csv"'
    )
    assert csv["Cache-Control"] == "private, no-store"
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("工作人员,")
    # The name starts with "=": written as text (a leading apostrophe), never as a formula.
    assert lines[1].startswith("\"'=HYPERLINK(")
    assert lines[1].endswith(",2")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][0] == f"'{EVIL_NAME}"
    assert rows[1][-1] == 2
    events = AuditEvent.objects.filter(action="export.chart").order_by("pk")
    assert [(e.actor_id, e.market_id, e.new_values["format"]) for e in events] == [
        (team_lead.pk, nanning_market.pk, "csv"),
        (team_lead.pk, nanning_market.pk, "xlsx"),
    ]
    assert events[0].new_values["chart"] == "workload-officer"
    assert events[0].new_values["page"] == "sla_market"


def test_a_download_keeps_the_pages_period(
    officer: User, team_lead: User, nanning_market: Market, verified_client: Clients
) -> None:
    case_make(officer)  # opened today
    client = verified_client(team_lead)
    query = {"chart": "cases-by-kind", "format": "csv"}

    now = dashboard(client, nanning_market, **query).content.decode("utf-8-sig").splitlines()
    earlier = dashboard(
        client, nanning_market, **query, **{"from": "2025-01-01", "to": "2025-01-31"}
    ).content.decode("utf-8-sig")

    assert len(now) == 2 and now[1].endswith(",1")  # one policy consultation
    assert earlier.splitlines() == [earlier.splitlines()[0]]  # the heading, no case
    event = AuditEvent.objects.filter(action="export.chart").order_by("pk").last()
    assert event is not None
    assert event.new_values["filters"] == {"from": "2025-01-01", "to": "2025-01-31"}


def test_no_file_for_an_unknown_chart_or_format_and_nothing_recorded(
    team_lead: User, nanning_market: Market, verified_client: Clients
) -> None:
    client = verified_client(team_lead)

    assert dashboard(client, nanning_market, chart="salaries", format="csv").status_code == 404
    assert dashboard(client, nanning_market, chart="cases-by-kind", format="pdf").status_code == 404
    assert dashboard(client, nanning_market, format="csv").status_code == 404
    assert not AuditEvent.objects.filter(action="export.chart").exists()


def test_downloads_follow_the_pages_access_rule(
    officer: User,
    team_lead: User,
    nanning_market: Market,
    liuzhou_market: Market,
    inspector: User,
    verified_client: Clients,
) -> None:
    query = {"chart": "cases-by-kind", "format": "csv"}
    other_lead = staff_make("liuzhou-lead", Role.TEAM_LEAD, market=liuzhou_market)

    assert dashboard(verified_client(officer), nanning_market, **query).status_code == 403
    assert dashboard(verified_client(other_lead), nanning_market, **query).status_code == 404
    assert dashboard(verified_client(inspector), nanning_market, **query).status_code == 200
    assert AuditEvent.objects.filter(action="export.chart").count() == 1


# --- The inspector's region view ------------------------------------------------------------


def test_the_region_view_rolls_the_figures_up_by_market_for_the_inspectors_region(
    officer: User,
    nanning_market: Market,
    liuzhou_market: Market,
    inspector: User,
    verified_client: Clients,
) -> None:
    applicant = applicant_make(officer)
    common = {"applicant": applicant, "opener": officer, "owner": officer}
    bulk_cases(3, market=nanning_market, state=State.IN_PROGRESS, **common)
    bulk_cases(2, market=liuzhou_market, state=State.AWAITING_MATERIALS, **common)
    guangxi_client = verified_client(inspector)
    nanning_inspector = staff_make(
        "nanning-inspector", Role.INSPECTOR, region=nanning_market.region
    )

    html = guangxi_client.get("/sla/region/").content.decode()
    csv = guangxi_client.get("/sla/region/", {"chart": "workload-market", "format": "csv"})
    only_nanning = verified_client(nanning_inspector).get("/sla/region/").content.decode()

    for name in (
        "on-time-weekly",
        "alerts-weekly",
        "on-time-by-market",
        "alerts-by-market",
        "cases-by-market",
        "workload-market",
    ):
        assert f'<table id="chart-{name}-table"' in html
    # Markets by region code; one column per state some market has a case in.
    assert csv.content.decode("utf-8-sig").splitlines() == [
        "市场,办理中,待补正材料",
        "南宁市零工市场,3,0",
        "柳州市零工市场,0,2",
    ]
    assert "柳州市零工市场" in html and "柳州市零工市场" not in only_nanning
    event = AuditEvent.objects.get(action="export.chart")
    assert (event.actor_id, event.market_id, event.new_values["page"]) == (
        inspector.pk,
        None,
        "sla_region",
    )


def test_the_region_view_is_for_inspectors_only(
    officer: User, team_lead: User, system_admin: User, verified_client: Clients
) -> None:
    for user in (officer, team_lead, system_admin):
        response = verified_client(user).get("/sla/region/")
        assert response.status_code == 403
        assert b"chart-" not in response.content


@pytest.mark.parametrize(
    ("language", "title", "heading"),
    [
        ("zh-hans", "辖区看板", "各市场在办案件"),
        ("en", "Region dashboard", "Open cases per market"),
    ],
)
def test_the_region_view_in_both_languages(
    nanning_market: Market,
    inspector: User,
    verified_client: Clients,
    language: str,
    title: str,
    heading: str,
) -> None:
    client = verified_client(inspector)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = client.get("/sla/region/").content.decode()

    assert f"<h1>{title}</h1>" in html
    assert heading in html


def test_the_region_views_queries_do_not_grow_with_markets_and_cases(
    officer: User,
    nanning_market: Market,
    inspector: User,
    verified_client: Clients,
    django_assert_max_num_queries: Callable[[int], Any],
) -> None:
    from test_case_query_bounds import queries

    applicant = applicant_make(officer)
    common = {"applicant": applicant, "opener": officer, "owner": officer}
    client = verified_client(inspector)
    client.get("/sla/region/")
    bulk_cases(5, market=nanning_market, state=State.IN_PROGRESS, **common)
    few = queries(client, "/sla/region/")

    for code, name in (("450200", "柳州市"), ("450300", "桂林市"), ("450400", "梧州市")):
        market = market_make(code, name)
        bulk_cases(20, market=market, state=State.NEW, **common)
    # New markets renew the rights every process keeps (sla.memo): read once, then counted.
    client.get("/sla/region/")
    many = queries(client, "/sla/region/")

    assert few == many
    with django_assert_max_num_queries(REGION_MAX_QUERIES):
        client.get("/sla/region/")


# Sessions, sign-in checks, rights and the bell, then the markets and six aggregates (the
# weekly on-time rate and alerts, the on-time rate, the alerts, the cases and the open cases
# by market).
REGION_MAX_QUERIES = 16
