"""The online walk in real Chromium at a phone's size (375 × 740): an employer signs in with
the code sent by text message (read from the outbox, as the gateway would send it), registers,
submits a posting; an officer, on the staff pages in another browser, claims its review case
and returns it with a single notice; the employer uploads the missing document; the officer
publishes; the employer sees it published."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import PASSWORD, device_key, totp_code
from counter_support import CREDIT_CODE, posting_form, qingxiu_make
from online_support import last_code_sent_to

from accounts.models import User
from cases.models import Case, ChecklistItem, State
from markets.models import Market, Region
from workflows.postings.models import Occupation, Posting, Status

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = "13911112222"
PHONE: ViewportSize = {"width": 375, "height": 740}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def qingxiu(nanning: Region) -> Region:
    return qingxiu_make()


def _phone(browser: Browser) -> Page:
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def _officer_signs_in(page: Page, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=otp_token]", totp_code(device_key(user)))
    page.press("input[name=otp_token]", "Enter")
    page.wait_for_url(f"{base}/")


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_an_employer_submits_online_corrects_and_sees_the_posting_published(
    live_server: LiveServer,
    browser: Browser,
    page: Page,
    officer: User,
    nanning_market: Market,
    qingxiu: Region,
    tmp_path: Path,
) -> None:
    base = live_server.url
    phone = _phone(browser)

    # 1. The employer signs in with the code sent to their mobile.
    phone.goto(f"{base}/portal/online/?market={nanning_market.pk}")
    phone.fill("input[name=mobile]", MOBILE)
    phone.click("button.primary")
    phone.wait_for_url(f"{base}/portal/online/code/")
    phone.fill("input[name=code]", last_code_sent_to(MOBILE))
    phone.click("button.primary")
    phone.wait_for_url(f"{base}/portal/online/register/")
    _no_horizontal_scroll(phone)

    # 2. Registers as an employer (an organisation).
    phone.click("a[href$='/register/employer/']")
    phone.select_option("select[name=market]", str(nanning_market.pk))
    phone.fill("input[name=name]", "南宁市邕江餐饮有限公司")
    phone.fill("input[name=credit_code]", CREDIT_CODE)
    phone.click("button.primary")
    phone.wait_for_url(f"{base}/portal/online/home/")

    # 3. Submits a posting.
    phone.click("a[href$='/postings/new/']")
    data = posting_form()
    for name in (
        "contact_name",
        "contact_phone",
        "skill_requirements",
        "address",
        "start_date",
        "end_date",
        "working_days",
        "days_per_week",
        "start_time",
        "end_time",
        "break_minutes",
        "pay_min",
        "pay_max",
        "headcount",
        "description",
    ):
        selector = f"[name={name}]"
        phone.fill(selector, data[name])
    occupation = Occupation.objects.get(code=data["occupation"])
    phone.select_option("select[name=occupation]", str(occupation.pk))
    phone.select_option("select[name=county]", str(qingxiu.pk))
    phone.select_option("select[name=pay_method]", data["pay_method"])
    phone.select_option("select[name=settlement]", data["settlement"])
    phone.select_option("select[name=employment_form]", data["employment_form"])
    _no_horizontal_scroll(phone)
    phone.screenshot(path=str(tmp_path / "1-posting-form.png"), full_page=True)
    phone.click("button.primary")
    phone.wait_for_url(re.compile(r"/portal/online/cases/\d+/$"))
    posting = Posting.objects.get()
    case = posting.case
    assert case is not None
    assert (case.channel, case.state) == ("online", State.NEW)
    assert case.reference in phone.inner_text("main")

    # 4. The officer claims the review case and returns the posting with a single notice.
    staff = page
    _officer_signs_in(staff, base, officer)
    staff.goto(f"{base}/cases/{case.pk}/")
    staff.click("form[action$='/claim/'] button")
    staff.wait_for_load_state()
    staff.goto(f"{base}/counter/postings/{posting.pk}/")
    licence = ChecklistItem.objects.get(
        kind="posting_review", name="营业执照或统一社会信用代码证明"
    )
    staff.click("form[action$='/return/'] >> xpath=.. >> summary")
    staff.check(f"form[action$='/return/'] input[name=items][value='{licence.pk}']")
    staff.click("form[action$='/return/'] button[type=submit]")
    staff.wait_for_load_state()
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_MATERIALS

    # 5. The employer sees the notice and uploads the missing document.
    phone.reload()
    assert licence.name in phone.inner_text("main")
    _no_horizontal_scroll(phone)
    document = tmp_path / "licence.pdf"
    document.write_bytes(PDF)
    item = case.notices.get().items.get()
    phone.set_input_files(f"input[name=item_{item.pk}]", str(document))
    phone.click("form[enctype] button.primary")
    phone.wait_for_url(re.compile(r"/portal/online/cases/\d+/$"))
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS
    assert Case.objects.get(pk=case.pk).attachments.count() == 1

    # 6. The officer publishes; the employer sees it published.
    staff.goto(f"{base}/counter/postings/{posting.pk}/")
    staff.click("form[action$='/publish/'] button")
    staff.wait_for_load_state()
    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED

    phone.reload()
    assert phone.inner_text("[data-testid=posting-status]") == "已发布"
    phone.screenshot(path=str(tmp_path / "2-published.png"), full_page=True)
