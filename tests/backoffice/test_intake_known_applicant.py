"""Issue 13, item 2, on every intake page besides /cases/new/ and the counter's postings: the
complaint, start-up help and campaign pages find a known person or employer and use it
unchanged. A name that disagrees with the record is shown as a conflict (never written) with
the same "Use the name on record" confirmation; the mobile typed is the new case's contact
mobile, and earlier cases keep theirs. A mobile filled in on a record that had none is audited
on the chain of the market taking the request in, not the global one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from conftest import ID_NUMBERS, case_make
from counter_support import CREDIT_CODE, posting_form, qingxiu_make
from django.test import Client
from test_case_support import messages_of, page

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant, Case
from cases.services import applicant_organisation_register, applicant_person_register
from markets.models import Market
from workflows.campaigns.models import Campaign, CampaignEmployer
from workflows.campaigns.services import campaign_create
from workflows.complaints.models import Complaint
from workflows.seekers.services import seeker_register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

Clients = Callable[[User], Client]
NAME = "韦小宝"
OTHER_NAME = "韦晓宝"
FIRST_MOBILE = "13800138000"
NEW_MOBILE = "13977110022"
EMPLOYER = "南宁市邕江餐饮有限公司"


def _complaint(**changes: str) -> dict[str, str]:
    data = {
        "name": NAME,
        "id_number": ID_NUMBERS[0],
        "mobile": FIRST_MOBILE,
        "category": "wage_arrears",
        "employer_name": "南宁市某建筑劳务公司",
        "credit_code": "",
        "posting": "",
        "description": "工地做工 10 天，约定日结 200 元，至今未付。",
        "desired_outcome": "结清工资 2000 元",
    }
    return data | changes


def _startup(**changes: str) -> dict[str, str]:
    data = {
        "name": NAME,
        "id_number": ID_NUMBERS[0],
        "mobile": FIRST_MOBILE,
        "channel": "counter",
        "plan_summary": "开一家奶茶店",
    }
    return data | changes


def _case(**changes: str) -> dict[str, str]:
    data = {
        "name": NAME,
        "id_number": ID_NUMBERS[0],
        "mobile": FIRST_MOBILE,
        "kind": "policy_consultation",
        "channel": "counter",
        "station": "",
        "priority": "normal",
        "subject": "灵活就业社保补贴政策咨询",
        "description": "",
    }
    return data | changes


# The person intake pages: URL, the form, the kind of case they open.
PERSON_PAGES: dict[str, tuple[str, Callable[..., dict[str, str]], str]] = {
    "complaint": ("/complaints/new/", _complaint, "complaint"),
    "startup": ("/startup/new/", _startup, "startup_help"),
    "case": ("/cases/new/", _case, "policy_consultation"),
}


def _applicant_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__startswith="applicant.").order_by("pk"))


@pytest.fixture
def campaign(officer: User, nanning_market: Market) -> Campaign:
    return campaign_create(
        actor=officer,
        market=nanning_market,
        name="2026年春风行动专场招聘会",
        kind="job_fair",
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 4),
        place="南宁市民族大道 100 号一楼大厅",
        description="",
    )


# --- Complaints and start-up help: the person ------------------------------------------------


@pytest.mark.parametrize("path", ["complaint", "startup"])
def test_a_known_id_number_with_a_new_name_is_a_conflict_and_the_case_keeps_the_mobile_typed(
    verified_client: Clients, officer: User, path: str
) -> None:
    url, form, kind = PERSON_PAGES[path]
    earlier = case_make(officer)  # 韦小宝, reached at FIRST_MOBILE
    client = verified_client(officer)

    refused = client.post(url, form(name=OTHER_NAME, mobile=NEW_MOBILE))

    assert refused.status_code == 200
    assert any(NAME in error for error in refused.context["form"].errors["name"])
    assert 'name="use_registered_name"' in page(refused)
    assert not Case.objects.filter(kind=kind).exists()

    opened = client.post(
        url, form(name=OTHER_NAME, mobile=NEW_MOBILE, use_registered_name="on"), follow=True
    )

    assert opened.redirect_chain[-1][1] == 302
    case = Case.objects.get(kind=kind)
    applicant = Applicant.objects.get()
    assert case.applicant_id == earlier.applicant_id == applicant.pk
    assert (applicant.name, applicant.mobile) == (NAME, FIRST_MOBILE)
    assert applicant.history.count() == 1
    assert case.contact_mobile == NEW_MOBILE
    earlier.refresh_from_db()
    assert earlier.contact_mobile == FIRST_MOBILE
    assert any("139****0022" in message for message in messages_of(opened))
    assert _applicant_events() == []


@pytest.mark.parametrize("path", ["complaint", "startup"])
def test_a_known_person_with_the_same_name_opens_the_case_at_the_mobile_typed(
    verified_client: Clients, officer: User, path: str
) -> None:
    url, form, kind = PERSON_PAGES[path]
    case_make(officer)

    response = verified_client(officer).post(url, form(mobile=NEW_MOBILE))

    assert response.status_code == 302
    case = Case.objects.get(kind=kind)
    assert case.contact_mobile == NEW_MOBILE
    assert Applicant.objects.get().mobile == FIRST_MOBILE


@pytest.mark.parametrize("path", ["complaint", "startup"])
def test_the_name_on_record_checkbox_is_not_shown_without_a_conflict(
    verified_client: Clients, officer: User, path: str
) -> None:
    url, _form, _kind = PERSON_PAGES[path]

    assert 'name="use_registered_name"' not in page(verified_client(officer).get(url))


# --- Complaints: the employer named by its credit code -----------------------------------------


def test_a_complaint_naming_a_known_employer_differently_renames_no_employer(
    verified_client: Clients, officer: User
) -> None:
    employer = applicant_organisation_register(
        actor=officer, name=EMPLOYER, credit_code=CREDIT_CODE
    )
    client = verified_client(officer)
    form = _complaint(employer_name="邕江新名称公司", credit_code=CREDIT_CODE)

    refused = client.post("/complaints/new/", form)

    assert refused.status_code == 200
    assert any(EMPLOYER in e for e in refused.context["form"].errors["employer_name"])
    assert 'name="use_registered_name"' in page(refused)
    assert not Complaint.objects.exists()

    filed = client.post("/complaints/new/", form | {"use_registered_name": "on"})

    assert filed.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.employer_id == employer.pk
    assert complaint.employer_name == EMPLOYER
    employer.refresh_from_db()
    assert employer.name == EMPLOYER
    assert employer.history.count() == 1


# --- Campaigns: the employer at a job fair ------------------------------------------------------


def test_a_campaign_employer_with_a_known_credit_code_and_a_new_name_is_a_conflict(
    verified_client: Clients, officer: User, campaign: Campaign
) -> None:
    employer = applicant_organisation_register(
        actor=officer, name=EMPLOYER, credit_code=CREDIT_CODE
    )
    client = verified_client(officer)
    url = f"/campaigns/{campaign.pk}/employers/"
    form = {"name": "邕江餐饮", "credit_code": CREDIT_CODE, "booth": "A01"}

    assert 'name="use_registered_name"' not in page(client.get(f"/campaigns/{campaign.pk}/"))
    refused = client.post(url, form)

    assert refused.status_code == 400
    text = page(refused)
    assert 'id="id_name_errors"' in text and EMPLOYER in text
    assert 'name="use_registered_name"' in text
    assert not CampaignEmployer.objects.exists()

    added = client.post(url, form | {"use_registered_name": "on"})

    assert added.status_code == 302
    assert CampaignEmployer.objects.get().employer_id == employer.pk
    employer.refresh_from_db()
    assert employer.name == EMPLOYER
    assert employer.history.count() == 1
    assert _applicant_events() == []


# --- A mobile filled in lands on the market's chain ---------------------------------------------


@pytest.mark.parametrize("path", ["complaint", "startup", "case"])
def test_a_mobile_filled_in_at_intake_is_audited_on_the_markets_chain(
    verified_client: Clients, officer: User, nanning_market: Market, path: str
) -> None:
    url, form, kind = PERSON_PAGES[path]
    applicant_person_register(actor=officer, name=NAME, id_number=ID_NUMBERS[0])

    response = verified_client(officer).post(url, form())

    assert response.status_code == 302
    assert Applicant.objects.get().mobile == FIRST_MOBILE
    assert Case.objects.get(kind=kind).contact_mobile == FIRST_MOBILE
    [event] = _applicant_events()
    assert event.action == "applicant.mobile_changed"
    assert (event.market_id, event.chain) == (nanning_market.pk, f"market:{nanning_market.pk}")


def test_an_employers_mobile_filled_in_at_the_counter_is_audited_on_the_markets_chain(
    verified_client: Clients, officer: User, nanning_market: Market, nanning: Any
) -> None:
    qingxiu_make()
    applicant_organisation_register(actor=officer, name=EMPLOYER, credit_code=CREDIT_CODE)

    response = verified_client(officer).post("/counter/postings/new/", posting_form())

    assert response.status_code == 302
    [event] = _applicant_events()
    assert event.action == "applicant.mobile_changed"
    assert (event.market_id, event.chain) == (nanning_market.pk, f"market:{nanning_market.pk}")


def test_a_seekers_mobile_filled_in_at_registration_is_audited_on_the_markets_chain(
    officer: User, nanning_market: Market
) -> None:
    applicant_person_register(actor=officer, name=NAME, id_number=ID_NUMBERS[0])

    seeker_register(
        actor=officer,
        market=nanning_market,
        channel="counter",
        name=NAME,
        id_number=ID_NUMBERS[0],
        mobile=FIRST_MOBILE,
        profile={},
    )

    [event] = _applicant_events()
    assert event.action == "applicant.mobile_changed"
    assert (event.market_id, event.chain) == (nanning_market.pk, f"market:{nanning_market.pk}")


def test_a_complaint_shows_the_complainants_and_the_employers_conflicts_at_once(
    verified_client: Clients, officer: User
) -> None:
    case_make(officer)
    applicant_organisation_register(actor=officer, name=EMPLOYER, credit_code=CREDIT_CODE)
    form = _complaint(name=OTHER_NAME, employer_name="邕江新名称公司", credit_code=CREDIT_CODE)

    refused = verified_client(officer).post("/complaints/new/", form)

    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert any(NAME in error for error in errors["name"])
    assert any(EMPLOYER in error for error in errors["employer_name"])
    assert not Complaint.objects.exists()
    assert sorted(Applicant.objects.values_list("name", flat=True)) == sorted([NAME, EMPLOYER])
