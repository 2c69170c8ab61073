"""In real Chromium (issue 12, item 1): typing part of an industry's name into the counter's
posting form fills the field's suggestions from the back office's type-ahead (a script file,
under the Content-Security-Policy), and the code chosen is what the form sends."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from accounts.models import User
from browser.test_counter_walk import sign_in
from browser.test_policy_and_layout import violations, watch

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_an_industry_name_suggests_its_code(
    live_server: LiveServer, page: Page, officer: User
) -> None:
    base = live_server.url
    logged = watch(page)
    sign_in(page, base, officer)
    page.goto(f"{base}/counter/postings/new/")

    page.locator("input[name=industry]").press_sequentially("餐饮")
    page.locator("#industry-list option").first.wait_for(state="attached")

    options = page.eval_on_selector_all(
        "#industry-list option", "nodes => nodes.map(n => [n.value, n.textContent])"
    )
    assert options == [["62", "62 餐饮业"]]
    assert violations(page) == [] and logged == []
