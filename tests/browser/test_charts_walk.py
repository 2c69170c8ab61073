"""In real Chromium (issue 12, item 4): the charts are drawn, not empty boxes. The big screen's
charts are ECharts instances with a canvas and data (the wage chart counts the published jobs),
they refresh from the screen's JSON without a reload; a chart of the team lead's dashboard is
drawn too; and no page reports a Content-Security-Policy violation (the vendored ECharts and
its glue are script files; tooltips are drawn on the canvas, not as styled HTML)."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import case_make

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "portal"))
from portal_support import organisation_employer, postings_bulk

from accounts.models import User
from browser.test_counter_walk import sign_in
from browser.test_policy_and_layout import violations, watch
from markets.models import Market

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What ECharts holds for the chart in element ``id``: is there a canvas, how many categories
# does its first series have, and what do its values add up to.
DRAWN = """(id) => {
  const element = document.getElementById(id);
  const chart = window.echarts && window.echarts.getInstanceByDom(element);
  if (!chart) { return null; }
  const series = chart.getOption().series;
  const value = (d) => (d && typeof d === "object") ? d.value : d;
  const values = series.flatMap((s) => s.data.map(value));
  return {
    canvas: element.querySelectorAll("canvas").length,
    width: element.querySelector("canvas") ? element.querySelector("canvas").width : 0,
    points: series[0].data.length,
    total: values.reduce((sum, v) => sum + (v || 0), 0),
  };
}"""


def drawn(page: Page, element_id: str) -> dict[str, Any]:
    page.wait_for_function(
        "(id) => window.echarts && window.echarts.getInstanceByDom(document.getElementById(id))",
        arg=element_id,
    )
    result: dict[str, Any] = page.evaluate(DRAWN, element_id)
    return result


# The screen's timers run ten times faster here (a refresh every 2 s instead of 20, the next
# page of jobs every 6 s instead of 60): what is tested is that they refresh, not how often.
FASTER = """
const slower = window.setInterval;
window.setInterval = (run, ms, ...rest) => slower(run, ms / 10, ...rest);
"""


def test_the_big_screen_draws_its_charts_with_data_and_refreshes_them_without_reloading(
    live_server: LiveServer, page: Page, nanning_market: Market
) -> None:
    employer = organisation_employer()
    postings_bulk(4, market=nanning_market, employer=employer, pay_daily=Decimal("150.00"))
    postings_bulk(4, market=nanning_market, employer=employer)  # no daily figure: two pages
    watch(page)
    page.add_init_script(FASTER)
    page.goto(f"{live_server.url}/portal/{nanning_market.pk}/screen/")
    assert page.get_attribute("#screen-jobs", "data-rotate-url") == "?page=2"

    wages = drawn(page, "chart-screen-wages")
    today = drawn(page, "chart-screen-today")

    assert wages["canvas"] >= 1 and wages["width"] > 0
    assert wages["points"] == 6  # the six pay bands
    assert wages["total"] == 4  # the four published jobs, in the band 150–200
    assert today["canvas"] >= 1 and today["points"] > 0
    # The same figures are in the table under the chart.
    assert page.inner_text("#chart-screen-wages-table tbody tr:nth-child(3)").split()[-1] == "4"

    # A refresh fetches the figures and redraws, without leaving the page.
    page.evaluate("window.__marker = 'same page'")
    postings_bulk(2, market=nanning_market, employer=employer, pay_daily=Decimal("180.00"))
    page.wait_for_function(
        "() => document.querySelector('[data-charts-refresh]').hasAttribute('data-refreshed')",
        timeout=40_000,
    )
    page.wait_for_function(
        """() => {
          const element = document.getElementById('chart-screen-wages');
          const chart = window.echarts.getInstanceByDom(element);
          return chart.getOption().series[0].data.reduce((a, b) => a + b, 0) === 6;
        }""",
        timeout=40_000,
    )
    # The next page of jobs is swapped in the same way; the one after it is the first again.
    page.wait_for_function(
        "() => document.getElementById('screen-jobs').getAttribute('data-rotate-url') === '?page=1'"
    )
    assert "2 / 2" in page.inner_text("#screen-jobs h2")
    assert page.evaluate("window.__marker") == "same page"
    assert page.inner_text("#chart-screen-wages-table tbody tr:nth-child(3)").split()[-1] == "6"
    assert violations(page) == []


def test_the_team_leads_dashboard_draws_its_charts(
    live_server: LiveServer, page: Page, officer: User, team_lead: User, nanning_market: Market
) -> None:
    case_make(officer)
    case_make(officer, subject="零工岗位咨询")
    watch(page)
    sign_in(page, live_server.url, team_lead)
    page.goto(f"{live_server.url}/sla/market/{nanning_market.pk}/")

    by_kind = drawn(page, "chart-cases-by-kind")
    workload = drawn(page, "chart-workload-officer")

    assert by_kind["canvas"] >= 1 and by_kind["width"] > 0
    assert by_kind["points"] == 1 and by_kind["total"] == 2  # two policy consultations
    assert workload["total"] == 2
    assert violations(page) == []
