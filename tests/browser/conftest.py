"""Real Chromium for the browser tests: Debian's ``chromium`` (``/usr/bin/chromium``) driven
through Playwright's sync API, headless. ``scripts/test-services start`` installs the browser
(and CJK fonts, so screenshots show Chinese) and the dev dependencies bring Playwright; nothing
here downloads a browser of its own (``playwright install`` is never run).

The server side is pytest-django's ``live_server`` (a thread of this process, so the tests need
the transactional database; the flush after each puts the migrations' data seeds back,
``db_support``). Playwright's sync API keeps an event loop of its own in the test's thread,
which Django takes for async code around any database call the test makes itself:
``DJANGO_ALLOW_ASYNC_UNSAFE`` is set while Chromium runs, for the browser tests only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root (in CI too), where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    """Chromium for the tests of one module. While Playwright runs, its event loop is this
    thread's: Django's async-safety check is lifted for exactly that time (the test database
    is set up before, ``django_db_setup``), and never for the tests of other modules."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"Debian's chromium is not installed at {CHROMIUM} "
            "(scripts/test-services start installs it: apt-get install chromium fonts-noto-cjk)"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is a dev dependency: make venv-dev"
    )
    with pytest.MonkeyPatch.context() as patch, sync_api.sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) and its page, 1280 px wide, in Chinese."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
