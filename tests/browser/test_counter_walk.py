"""The counter walk of instant quick hiring (即时快招) in real Chromium: an officer signs in
through the sign-in form (password and the code of their authenticator), registers a job
seeker, takes a clean posting and publishes it in the same sitting, opens the seeker's page,
finds the posting among the matches with its reasons, refers the seeker and sees the referral
listed. Keyboard first: each form opens with the focus on its first field and is sent with
Enter."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import PASSWORD, device_key, totp_code
from counter_support import CREDIT_CODE, SEEKER_ID, SEEKER_ID_MASKED, qingxiu_make
from django.utils import timezone

from accounts.models import User
from markets.models import Region
from workflows.guidance.models import Outcome, Referral
from workflows.postings.models import Posting, Status
from workflows.seekers.models import SeekerProfile

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [
    pytest.mark.browser,
    # A live server answers from another thread: the data must be committed.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def qingxiu(nanning: Region) -> Region:
    return qingxiu_make()


def focused_name(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.name"))


def sign_in(page: Page, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=otp_token]", totp_code(device_key(user)))
    page.press("input[name=otp_token]", "Enter")
    page.wait_for_url(f"{base}/")


def test_an_officer_registers_a_seeker_publishes_a_posting_and_refers_the_seeker(
    live_server: LiveServer, page: Page, officer: User, qingxiu: Region, tmp_path: Path
) -> None:
    base = live_server.url
    sign_in(page, base, officer)

    # 1. Register a job seeker: the name has the focus; Enter sends the form.
    page.goto(f"{base}/counter/seekers/new/")
    assert focused_name(page) == "name"
    page.keyboard.type("韦小宝")
    page.fill("input[name=id_number]", SEEKER_ID)
    page.fill("input[name=mobile]", "13800138000")
    page.select_option("select[name=household_type]", "rural")
    page.fill("input[name=home_county]", "450103")
    page.fill("input[name=wanted_occupations]", "4-03-02-05")
    assert page.input_value("input[name=wanted_areas]") == "450100"  # the market's city
    page.fill("input[name=available_from]", "08:00")
    page.fill("input[name=available_until]", "20:00")
    page.fill("input[name=min_daily_pay]", "180")
    page.screenshot(path=str(tmp_path / "1-seeker-form.png"), full_page=True)
    page.press("input[name=min_daily_pay]", "Enter")
    page.wait_for_url(re.compile(r"/counter/seekers/\d+/$"))
    seeker = SeekerProfile.objects.get()
    assert SEEKER_ID_MASKED in page.inner_text("main")
    assert SEEKER_ID not in page.content()

    # 2. Take a clean posting at the counter; Enter publishes it in the same sitting.
    page.goto(f"{base}/counter/postings/new/")
    assert focused_name(page) == "employer_name"
    today = timezone.localdate()
    assert page.input_value("input[name=start_date]") == today.isoformat()
    page.keyboard.type("南宁市邕江餐饮有限公司")
    page.fill("input[name=credit_code]", CREDIT_CODE)
    page.fill("input[name=employer_mobile]", "13907710001")
    page.fill("input[name=contact_name]", "黄经理")
    page.fill("input[name=contact_phone]", "13907710001")
    page.fill("input[name=occupation]", "餐厅服务员")
    page.fill("textarea[name=skill_requirements]", "有餐厅服务经验，普通话流利")
    page.fill("input[name=county]", "450103")
    page.fill("input[name=address]", "南宁市青秀区民族大道 100 号")
    page.fill("input[name=end_date]", (today + timedelta(days=14)).isoformat())
    page.fill("input[name=working_days]", "周一至周五")
    page.fill("input[name=days_per_week]", "5")
    page.fill("input[name=start_time]", "09:00")
    page.fill("input[name=end_time]", "18:00")
    page.fill("input[name=break_minutes]", "60")
    page.fill("input[name=pay_max]", "240")
    page.fill("input[name=pay_min]", "200")
    page.fill("input[name=headcount]", "3")
    # A discriminatory phrase: the posting stays on the form with the screen's findings, the
    # focus on the field to correct and everything typed kept.
    page.fill("textarea[name=skill_requirements]", "限男性，有餐厅服务经验")
    with page.expect_navigation():
        page.press("input[name=headcount]", "Enter")
    assert page.url == f"{base}/counter/postings/new/"
    finding = page.locator(".findings tr.finding").first
    assert "限男性" in finding.inner_text() and "就业促进法" in finding.inner_text()
    assert focused_name(page) == "skill_requirements"
    assert page.input_value("input[name=credit_code]") == CREDIT_CODE
    page.screenshot(path=str(tmp_path / "2-posting-blocked.png"), full_page=True)
    assert Posting.objects.count() == 0
    page.fill("textarea[name=skill_requirements]", "有餐厅服务经验，普通话流利")
    page.press("input[name=headcount]", "Enter")
    page.wait_for_url(re.compile(r"/counter/postings/\d+/$"))
    posting = Posting.objects.get()
    assert posting.status == Status.PUBLISHED
    assert posting.occupation.code == "4-03-02-05"
    # The posting's page lists the seeker among those who fit.
    assert "韦小宝" in page.inner_text("ol.matches")
    page.screenshot(path=str(tmp_path / "3-posting.png"), full_page=True)

    # 3. The seeker's page: the posting among the matches, with its reasons in words.
    page.goto(f"{base}/counter/seekers/{seeker.pk}/")
    match = page.locator(f'li.match[data-posting="{posting.pk}"]')
    assert match.count() == 1
    reasons = match.locator("ul.reasons li")
    assert reasons.count() >= 5
    assert "餐厅服务员" in reasons.first.inner_text()  # the same occupation weighs most
    assert int(match.locator(".score").inner_text()) > 50

    # 4. Refer the seeker, and see the referral listed.
    match.locator("input[name=note]").fill("已电话联系用工方")
    match.locator("input[name=note]").press("Enter")
    page.wait_for_url(re.compile(rf"/counter/seekers/{seeker.pk}/#referrals$"))
    row = page.locator("#referrals tr.referral")
    assert row.count() == 1
    assert "已电话联系用工方" in row.inner_text()
    assert "餐厅服务员" in row.inner_text()
    referral = Referral.objects.get()
    assert (referral.seeker_id, referral.posting_id, referral.officer_id) == (
        seeker.pk,
        posting.pk,
        officer.pk,
    )
    assert referral.outcome == Outcome.RECOMMENDED
    assert page.locator(f'li.match[data-posting="{posting.pk}"] form.refer').count() == 0
    page.screenshot(path=str(tmp_path / "4-seeker.png"), full_page=True)
