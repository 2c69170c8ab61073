"""One complaint in real Chromium, from the counter to its outcome: an officer signs in (password
and authenticator code), files an anonymous wage-arrears complaint at the counter, accepts it,
refers it to labour inspection, records the inspection's outcome, resolves it, records the
complainant's satisfaction and sees the outcome on the page."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from browser.conftest import browser, page  # noqa: F401  (fixtures)
from complaints_support import AUTHORITY, COMPLAINANT_ID, complaint_form
from conftest import PASSWORD, device_key, totp_code

from accounts.models import User
from cases.models import State
from workflows.complaints.models import Complaint, ReferralStatus, Status

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, user: User) -> None:  # noqa: F811
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=otp_token]", totp_code(device_key(user)))
    page.press("input[name=otp_token]", "Enter")
    page.wait_for_url(f"{base}/")


def test_a_complaint_from_the_counter_to_its_outcome(
    live_server: LiveServer,
    page: Page,  # noqa: F811  (the fixture imported from browser.conftest)
    officer: User,
) -> None:
    base = live_server.url
    sign_in(page, base, officer)

    # 1. File it at the counter: the name has the focus.
    data = complaint_form()
    page.goto(f"{base}/complaints/new/")
    assert page.evaluate("document.activeElement.name") == "name"
    page.keyboard.type(data["name"])
    page.fill("input[name=id_number]", data["id_number"])
    page.fill("input[name=mobile]", data["mobile"])
    page.check("input[name=anonymous]")
    page.select_option("select[name=category]", "wage_arrears")
    page.fill("input[name=employer_name]", data["employer_name"])
    page.fill("textarea[name=description]", data["description"])
    page.fill("textarea[name=desired_outcome]", data["desired_outcome"])
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/complaints/\d+/$"))
    complaint = Complaint.objects.get()
    assert complaint.case.reference in page.inner_text("main")
    assert COMPLAINANT_ID not in page.content()

    # 2. Accept it.
    page.click("#accept-form button")
    page.wait_for_selector("#refer-form")
    assert Complaint.objects.get().status == Status.ACCEPTED

    # 3. Refer it to labour inspection.
    page.fill("#refer-form input[name=authority]", AUTHORITY)
    page.click("#refer-form button")
    page.wait_for_selector("#referral-update-form")
    assert Complaint.objects.get().status == Status.REFERRED
    letter = Complaint.objects.get().referrals.get().letter
    assert data["name"] not in letter

    # 4. Record the inspection's outcome.
    page.select_option("#referral-update-form select[name=status]", "concluded")
    page.fill("#referral-update-form input[name=inspection_reference]", "监察2026-017")
    page.fill("#referral-update-form textarea[name=outcome]", "责令限期支付工资 2000 元，已支付。")
    page.click("#referral-update-form button")
    page.wait_for_selector("#resolve-form")
    assert Complaint.objects.get().referrals.get().status == ReferralStatus.CONCLUDED

    # 5. Resolve it.
    page.fill("#resolve-form textarea[name=outcome]", "经劳动保障监察责令，工资已全额结清。")
    page.click("#resolve-form button")
    page.wait_for_selector("#satisfaction-form")

    # 6. Record the satisfaction.
    page.check("#satisfaction-form input[value=very_satisfied]")
    page.click("#satisfaction-form button")
    page.wait_for_selector("#complaint-satisfaction")

    # 7. The outcome on the page.
    assert "工资已全额结清" in page.inner_text("#complaint-outcome")
    assert "已支付" in page.inner_text("#referrals")
    complaint = Complaint.objects.select_related("case").get()
    assert complaint.satisfaction == "very_satisfied"
    assert complaint.case.state == State.CLOSED
