"""The acceptance receipt in real Chromium: an officer takes a request in at the counter, follows
the "Print receipt" link the intake offers, and prints the receipt (through the script file,
under the Content-Security-Policy); printed, the page shows the receipt with its QR code and
none of the back office around it. The kiosk then opens from the receipt's address with the
reference filled in."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import ID_NUMBERS

from accounts.models import User
from browser.test_counter_walk import sign_in
from browser.test_policy_and_layout import violations, watch
from cases.models import Case
from markets.models import Market

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_takes_a_request_in_and_prints_its_receipt(
    live_server: LiveServer, page: Page, officer: User, nanning_market: Market, tmp_path: Path
) -> None:
    base = live_server.url
    logged = watch(page)
    sign_in(page, base, officer)

    page.goto(f"{base}/cases/new/")
    page.fill("input[name=name]", "韦小宝")
    page.fill("input[name=id_number]", ID_NUMBERS[0])
    page.fill("input[name=mobile]", "13800138000")
    page.select_option("select[name=kind]", "policy_consultation")
    page.fill("input[name=subject]", "灵活就业社保补贴政策咨询")
    page.press("input[name=subject]", "Enter")
    page.wait_for_url(f"{base}/cases/*/")
    case = Case.objects.get()

    page.click("a.receipt-link")
    page.wait_for_url(f"{base}/cases/{case.pk}/receipt/")
    sheet = page.locator("article.receipt-sheet")
    assert case.reference in sheet.inner_text()
    assert page.locator("article.receipt-sheet figure.qr svg").count() == 1
    page.click("button[data-print]")
    page.wait_for_function("window.__printed === 1")

    page.emulate_media(media="print")
    page.screenshot(path=str(tmp_path / "receipt-print.png"), full_page=True)
    assert page.locator("header.topbar").is_hidden()
    assert page.locator(".print-tools").is_hidden()
    assert page.locator("figure.qr svg").is_visible()
    box = page.locator("figure.qr svg").bounding_box()
    assert box is not None and box["width"] > 100  # 35 mm: scannable from paper
    assert violations(page) == [] and logged == []

    page.emulate_media(media="screen")
    address = page.locator(".receipt-url").inner_text().strip()
    page.goto(address)
    assert page.input_value("input[name=reference]") == case.reference
