"""The acceptance receipt (受理回执, issue 10 item 6): printable from the case page and offered
after each intake; the reference number, the service, the completion time limit and due date
of the case's own clock, the kiosk lookup's instructions and a QR code of its address with
the reference filled in; the applicant's data masked, and never the mobile's last four digits
(the lookup's secret). Printing it is not an audit event: it shows less than the case page."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest
import segno
from conftest import ID_NUMBERS, case_make
from counter_support import posting_form, qingxiu_make, seeker_form
from django.test import Client, override_settings
from django.utils import timezone
from test_case_support import market_make, messages_of, page, staff_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case
from cases.services import CASE_SUBJECT, applicant_person_register
from markets.models import Market, Role
from sla.models import Deadline, Policy, Target

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "complaints"))
from complaints_support import complaint_form

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]


def _receipt(client: Client, case: Case, language: str = "zh-hans") -> str:
    client.cookies["django_language"] = language
    response = client.get(f"/cases/{case.pk}/receipt/")
    assert response.status_code == 200
    return page(response)


def _due(case: Case) -> str:
    deadline = Deadline.objects.get(
        subject_type=CASE_SUBJECT, subject_id=case.pk, target=Target.COMPLETION
    )
    return timezone.localtime(deadline.due_at).strftime("%Y-%m-%d")


def _lookup_url(case: Case, base: str = "http://testserver") -> str:
    query = urlencode({"reference": case.reference})
    return f"{base}/portal/{case.market_id}/kiosk/status/?{query}"


def test_the_receipt_says_reference_service_time_limit_due_date_and_how_to_look_it_up(
    verified_client: Clients, officer: User
) -> None:
    case = case_make(officer)
    client = verified_client(officer)  # signing in is an event of its own
    before = AuditEvent.objects.count()

    html = _receipt(client, case)

    assert "受理回执" in html
    assert case.reference in html
    assert "政策咨询" in html
    assert "5 个工作日" in html
    assert _due(case) in html
    assert "办理进度查询" in html  # the kiosk's button, as the kiosk names it
    assert _lookup_url(case).replace("&", "&amp;") in html or _lookup_url(case) in html
    # The QR code encodes the lookup's address with the reference filled in.
    expected_qr = segno.make(_lookup_url(case), error="m").svg_inline(
        scale=3, title="办件进度查询二维码"
    )
    assert expected_qr in html
    # Masked: the name and ID number; the mobile not at all (its last four open the lookup).
    assert "韦**" in html and "韦小宝" not in html
    assert "450102********1238" in html and ID_NUMBERS[0] not in html
    assert "13800138000" not in html and "138****8000" not in html
    # Printing shows nothing the case page does not: no audit event.
    assert AuditEvent.objects.count() == before


def test_the_receipt_in_english(verified_client: Clients, officer: User) -> None:
    case = case_make(officer)

    html = _receipt(verified_client(officer), case, "en")

    assert "Acceptance receipt" in html
    assert "Policy consultation" in html
    assert "5 working days" in html
    assert "受理回执" not in html


def test_the_receipt_shows_the_time_limit_the_case_runs_on_not_todays(
    verified_client: Clients, officer: User
) -> None:
    """Policies are edited in place (with history) and a change applies to new cases only: a
    reprinted receipt of an older case keeps its own limit."""
    case = case_make(officer)
    seeded = Policy.objects.get(
        kind="policy_consultation", target=Target.COMPLETION, market=None, channel=""
    )
    seeded.amount = 9
    seeded.save()  # as the admin saves it: a history row, dated now

    html = _receipt(verified_client(officer), case)

    assert "5 个工作日" in html and "9 个工作日" not in html
    assert _due(case) in html
    assert "9 个工作日" in _receipt(verified_client(officer), case_make(officer))


def test_a_markets_own_policy_changed_since_keeps_the_receipt_of_an_older_case(
    verified_client: Clients, officer: User
) -> None:
    market = officer.memberships.get().market
    own = Policy(
        kind="policy_consultation",
        market=market,
        target=Target.COMPLETION,
        amount=3,
        unit="working_days",
        pause_states=["awaiting_materials"],
    )
    own.save()
    case = case_make(officer)
    own.amount = 7
    own.save()

    html = _receipt(verified_client(officer), case)

    assert "3 个工作日" in html and "7 个工作日" not in html


@override_settings(LGSC_PUBLIC_BASE_URL="https://gig.example.gov.cn")
def test_the_qr_code_points_at_the_public_address_when_one_is_set(
    verified_client: Clients, officer: User
) -> None:
    case = case_make(officer)

    html = _receipt(verified_client(officer), case)

    url = _lookup_url(case, "https://gig.example.gov.cn")
    assert segno.make(url, error="m").svg_inline(scale=3, title="办件进度查询二维码") in html
    assert "http://testserver/portal/" not in html


def test_without_a_mobile_the_receipt_says_the_kiosk_cannot_find_the_case(
    verified_client: Clients, officer: User
) -> None:
    applicant = applicant_person_register(actor=officer, name="陆小凤", id_number=ID_NUMBERS[1])
    case = case_make(officer, applicant=applicant)

    html = _receipt(verified_client(officer), case)

    assert case.reference in html
    assert "您未留手机号码，自助终端无法查询您的案件" in html
    assert "<svg" not in html


def test_the_case_page_links_to_the_receipt(verified_client: Clients, officer: User) -> None:
    case = case_make(officer)

    response = verified_client(officer).get(f"/cases/{case.pk}/")

    assert f'href="/cases/{case.pk}/receipt/"' in page(response)


def test_an_officer_of_another_market_cannot_print_it(
    verified_client: Clients, officer: User, liuzhou: object
) -> None:
    case = case_make(officer)
    other = staff_make("liuzhou_officer", Role.OFFICER, market=market_make("450200", "柳州市"))

    assert verified_client(other).get(f"/cases/{case.pk}/receipt/").status_code == 404


def test_the_intake_offers_the_receipt(verified_client: Clients, officer: User) -> None:
    response = verified_client(officer).post(
        "/cases/new/",
        {
            "name": "韦小宝",
            "id_number": ID_NUMBERS[0],
            "mobile": "13800138000",
            "kind": "policy_consultation",
            "channel": "counter",
            "station": "",
            "priority": "normal",
            "subject": "灵活就业社保补贴政策咨询",
            "description": "",
        },
        follow=True,
    )

    case = Case.objects.get()
    assert response.redirect_chain == [(f"/cases/{case.pk}/", 302)]
    offer = [m for m in messages_of(response) if "受理回执" in m]
    assert offer
    # The link is rendered as a link (the message is kept safe), not as escaped text.
    assert f'<a href="/cases/{case.pk}/receipt/" class="receipt-link">打印受理回执</a>' in page(
        response
    )


def test_the_complaint_intake_offers_the_receipt(verified_client: Clients, officer: User) -> None:
    response = verified_client(officer).post("/complaints/new/", complaint_form(), follow=True)

    case = Case.objects.get(kind="complaint")
    assert f'href="/cases/{case.pk}/receipt/"' in page(response)


def test_the_seeker_registration_offers_the_receipt_of_its_case(
    verified_client: Clients, officer: User, nanning_market: Market
) -> None:
    response = verified_client(officer).post("/counter/seekers/new/", seeker_form(), follow=True)

    case = Case.objects.get(kind="seeker_registration")
    assert f'href="/cases/{case.pk}/receipt/"' in page(response)
    assert case.reference in _receipt(verified_client(officer), case)


def test_the_posting_intake_offers_the_receipt_of_its_case(
    verified_client: Clients, officer: User, nanning_market: Market
) -> None:
    qingxiu_make()
    response = verified_client(officer).post("/counter/postings/new/", posting_form(), follow=True)

    case = Case.objects.get(kind="posting_review")
    assert f'href="/cases/{case.pk}/receipt/"' in page(response)
