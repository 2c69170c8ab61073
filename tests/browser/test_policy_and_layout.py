"""In real Chromium: the pages live with their Content-Security-Policy (no violation is
reported, and the print button still prints through a script file), and the lists use the
window's width (the market case table shows its last column at 1920 px and scrolls sideways
rather than hiding it at 1280 px)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import case_make

from accounts.models import User
from browser.test_counter_walk import sign_in
from cases.models import ChecklistItem
from cases.services import case_request_materials
from markets.models import Market

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects every CSP violation the page reports, and stands in for the print dialog.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
"""


def watch(page: Page) -> list[str]:
    """Console messages about the policy (Chromium logs each refusal there)."""
    logged: list[str] = []
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda message: (
            logged.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return logged


def violations(page: Page) -> list[Any]:
    return list(page.evaluate("window.__violations || []"))


def test_walked_pages_report_no_policy_violation_and_print_still_works(
    live_server: LiveServer, page: Page, officer: User, team_lead: User, nanning_market: Market
) -> None:
    case = case_make(officer)
    case_request_materials(
        actor=officer, case=case, items=list(ChecklistItem.objects.filter(kind=case.kind)[:2])
    )
    base = live_server.url
    logged = watch(page)

    page.goto(f"{base}/accounts/login/")
    assert violations(page) == []
    sign_in(page, base, officer)
    for url in [
        "/",
        "/cases/",
        "/cases/new/",
        f"/cases/{case.pk}/",
        "/counter/postings/new/",
        "/counter/seekers/new/",
        "/notifications/",
        "/no-such-page/",
        f"/portal/{nanning_market.pk}/kiosk/",
    ]:
        page.goto(f"{base}{url}")
        assert violations(page) == [], url

    page.goto(f"{base}/cases/{case.pk}/notice/")
    page.click("button[data-print]")
    page.wait_for_function("window.__printed === 1")
    assert violations(page) == []
    assert logged == []


@pytest.mark.parametrize("width", [1920, 1280])
def test_the_market_case_table_shows_or_scrolls_to_its_last_column(
    live_server: LiveServer,
    page: Page,
    officer: User,
    team_lead: User,
    nanning_market: Market,
    width: int,
    tmp_path: Path,
) -> None:
    for n in range(3):
        subject = f"灵活就业人员社会保险补贴政策咨询（第{n + 1}次来电，需核对缴费记录）"
        case_make(officer, subject=subject)
    base = live_server.url
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, base, team_lead)
    page.goto(f"{base}/cases/market/{nanning_market.pk}/")
    page.screenshot(path=str(tmp_path / f"market-cases-{width}.png"), full_page=True)

    geometry = page.evaluate(
        """() => {
          const main = document.querySelector("main");
          const wrapper = document.querySelector("main .table-scroll");
          const last = wrapper.querySelector("thead th:last-child").getBoundingClientRect();
          const box = wrapper.getBoundingClientRect();
          return {
            main: main.getBoundingClientRect().width,
            page: document.documentElement.scrollWidth,
            window: window.innerWidth,
            lastRight: last.right,
            boxRight: box.right,
            scrollable: wrapper.scrollWidth > wrapper.clientWidth,
            overflow: getComputedStyle(wrapper).overflowX,
          };
        }"""
    )
    # The page itself never scrolls sideways, and the list uses the window's width.
    assert geometry["page"] <= geometry["window"]
    assert geometry["main"] > geometry["window"] * 0.9
    assert geometry["overflow"] == "auto"
    if width == 1920:
        # Wide enough: every column in sight, the last one included.
        assert not geometry["scrollable"]
        assert geometry["lastRight"] <= geometry["boxRight"]
    else:
        # Narrower: the last column is either in sight or reached by scrolling the table.
        assert geometry["lastRight"] <= geometry["boxRight"] or geometry["scrollable"]
