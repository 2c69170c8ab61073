"""In real Chromium (issue 10, item 1): on any staff page "/" puts the cursor in the top bar's
search box (a script file, under the Content-Security-Policy); an ID number typed there finds
the case, and the case opens from the result."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from conftest import ID_NUMBERS, case_make

from accounts.models import User
from browser.test_counter_walk import sign_in
from browser.test_policy_and_layout import violations, watch

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_slash_focuses_the_search_box_and_an_id_number_opens_the_case(
    live_server: LiveServer, page: Page, officer: User
) -> None:
    case = case_make(officer)
    base = live_server.url
    watch(page)
    sign_in(page, base, officer)
    page.goto(f"{base}/cases/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "topbar-search"
    page.keyboard.type(ID_NUMBERS[0])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/search/?t=*")
    assert ID_NUMBERS[0] not in page.url  # the number never sits in an address
    assert "450102********1238" in page.content()
    page.click(f"text={case.reference}")
    page.wait_for_url(f"{base}/cases/{case.pk}/")
    assert violations(page) == []


def test_an_id_number_leads_to_the_person_their_case_and_its_printed_receipt(
    live_server: LiveServer, page: Page, officer: User
) -> None:
    """The officer on the phone ("my ID number is …"): search by the ID number, open the
    person's page, open the case from their history, print its acceptance receipt."""
    case = case_make(officer)
    base = live_server.url
    logged = watch(page)
    sign_in(page, base, officer)

    page.goto(f"{base}/")
    page.keyboard.press("/")
    page.keyboard.type(ID_NUMBERS[0])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/search/?t=*")
    assert ID_NUMBERS[0] not in page.inner_text("main")  # masked in every result
    page.click(f"a[href='/applicants/{case.applicant_id}/']")

    page.wait_for_url(f"{base}/applicants/{case.applicant_id}/")
    assert "450102********1238" in page.inner_text("main")
    history = page.locator("tr.timeline-case")
    assert history.count() == 1 and case.reference in history.inner_text()
    history.locator(f"a[href='/cases/{case.pk}/']").click()

    page.wait_for_url(f"{base}/cases/{case.pk}/")
    page.click(f"a[href='/cases/{case.pk}/receipt/']")
    page.wait_for_url(f"{base}/cases/{case.pk}/receipt/")
    sheet = page.locator("article.receipt-sheet")
    assert case.reference in sheet.inner_text()
    assert page.locator("article.receipt-sheet figure.qr svg").count() == 1
    page.click("button[data-print]")
    page.wait_for_function("window.__printed === 1")
    assert violations(page) == [] and logged == []


def test_slash_typed_into_a_field_stays_in_the_field(
    live_server: LiveServer, page: Page, officer: User
) -> None:
    base = live_server.url
    sign_in(page, base, officer)
    page.goto(f"{base}/cases/new/")
    page.click("input[name=subject]")
    page.keyboard.type("a/b")
    assert page.input_value("input[name=subject]") == "a/b"
