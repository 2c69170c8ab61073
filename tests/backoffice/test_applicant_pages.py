"""Issue 13, item 2, through the pages: intake at /cases/new/ and /counter/postings/new/ shows a
name that disagrees with the record as a conflict and writes nothing over a known person or
employer; the name or mobile is corrected on /applicants/<pk>/change/, in two steps (state,
then confirm), by staff of a market that serves the applicant, and the change is audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import ID_NUMBERS, case_make
from counter_support import CREDIT_CODE, posting_form, posting_make, qingxiu_make
from django.test import Client
from django.utils import translation
from test_case_support import market_make, messages_of, page, staff_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant, Case
from markets.models import Market, Region, Role
from workflows.postings.models import Posting, Status

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]
NEW_MOBILE = "13977110022"


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def _intake(**changes: str) -> dict[str, str]:
    data = {
        "name": "韦小宝",
        "id_number": ID_NUMBERS[0],
        "mobile": "13800138000",
        "kind": "policy_consultation",
        "channel": "counter",
        "station": "",
        "priority": "normal",
        "subject": "灵活就业社保补贴政策咨询",
        "description": "",
    }
    return data | changes


@pytest.fixture
def other_officer(liuzhou: Region) -> User:
    return staff_make("liuzhou_officer", Role.OFFICER, market=market_make("450200", "柳州市"))


# --- /cases/new/ ---------------------------------------------------------------------------------


def test_case_intake_with_a_new_name_shows_the_conflict_and_renames_no_earlier_case(
    verified_client: Clients, officer: User
) -> None:
    client = verified_client(officer)
    client.post("/cases/new/", _intake())
    first = Case.objects.get()

    refused = client.post("/cases/new/", _intake(name="韦晓宝", mobile=NEW_MOBILE))

    assert refused.status_code == 200
    errors = refused.context["form"].errors["name"]
    assert any("韦小宝" in error for error in errors)
    assert 'name="use_registered_name"' in page(refused)
    assert Case.objects.count() == 1
    first.refresh_from_db()
    assert first.applicant.name == "韦小宝"

    opened = client.post(
        "/cases/new/",
        _intake(name="韦晓宝", mobile=NEW_MOBILE, use_registered_name="on"),
        follow=True,
    )

    second = Case.objects.latest("pk")
    assert opened.redirect_chain == [(f"/cases/{second.pk}/", 302)]
    assert second.applicant_id == first.applicant_id
    applicant = Applicant.objects.get()
    assert (applicant.name, applicant.mobile) == ("韦小宝", "13800138000")
    assert (second.contact_mobile, Case.objects.get(pk=first.pk).contact_mobile) == (
        NEW_MOBILE,
        "13800138000",
    )
    assert any("139****0022" in message for message in messages_of(opened))
    assert not AuditEvent.objects.filter(action__startswith="applicant.").exists()


def test_the_name_conflict_checkbox_is_not_shown_without_a_conflict(
    verified_client: Clients, officer: User
) -> None:
    html = page(verified_client(officer).get("/cases/new/"))

    assert 'name="use_registered_name"' not in html


# --- /counter/postings/new/ ----------------------------------------------------------------------


def test_a_posting_with_a_known_credit_code_and_a_new_name_renames_no_published_posting(
    verified_client: Clients, officer: User, nanning_market: Market, nanning: Region
) -> None:
    qingxiu_make()
    published = posting_make(officer, nanning_market, publish=True)
    client = verified_client(officer)

    refused = client.post("/counter/postings/new/", posting_form(employer_name="邕江新名称公司"))

    assert refused.status_code == 200
    assert any(
        "南宁市邕江餐饮有限公司" in e for e in refused.context["form"].errors["employer_name"]
    )
    assert Posting.objects.count() == 1

    taken = client.post(
        "/counter/postings/new/",
        posting_form(employer_name="邕江新名称公司", use_registered_name="on"),
    )

    assert taken.status_code == 302
    assert Posting.objects.count() == 2
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    assert published.employer.name == "南宁市邕江餐饮有限公司"
    assert Applicant.objects.get(credit_code=CREDIT_CODE).name == "南宁市邕江餐饮有限公司"


# --- /applicants/<pk>/change/ --------------------------------------------------------------------


def change_url(applicant: Applicant) -> str:
    return f"/applicants/{applicant.pk}/change/"


def test_the_name_is_corrected_in_two_steps_and_audited(
    verified_client: Clients, officer: User, nanning_market: Market
) -> None:
    case = case_make(officer)
    applicant = case.applicant
    client = verified_client(officer)
    change = {
        "field": "name",
        "value": "韦晓宝",
        "reason": "身份证更名",
        "next": f"/cases/{case.pk}/",
    }

    assert client.get(change_url(applicant)).status_code == 200
    stated = client.post(change_url(applicant), change)

    # The first step only shows old and new side by side, and writes nothing.
    html = page(stated)
    assert stated.status_code == 200
    assert "韦小宝" in html and "韦晓宝" in html
    assert 'name="confirmed"' in html
    assert Applicant.objects.get().name == "韦小宝"
    assert not AuditEvent.objects.filter(action="applicant.renamed").exists()

    confirmed = client.post(change_url(applicant), change | {"confirmed": "True"})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/cases/{case.pk}/"
    assert Applicant.objects.get().name == "韦晓宝"
    event = AuditEvent.objects.get(action="applicant.renamed")
    assert (event.actor, event.market) == (officer, nanning_market)
    assert event.old_values == {"name": "韦小宝"}
    assert event.new_values["reason"] == "身份证更名"


def test_the_mobile_is_changed_on_confirmation_and_the_case_keeps_its_own(
    verified_client: Clients, officer: User
) -> None:
    case = case_make(officer)
    client = verified_client(officer)
    change = {"field": "mobile", "value": "139 7711 0022", "reason": "换号", "confirmed": "True"}

    response = client.post(change_url(case.applicant), change)

    assert response.status_code == 302
    assert Applicant.objects.get().mobile == NEW_MOBILE
    case.refresh_from_db()
    assert case.contact_mobile == "13800138000"
    assert AuditEvent.objects.filter(action="applicant.mobile_changed").count() == 1


def test_a_bad_mobile_is_refused_on_the_first_step(verified_client: Clients, officer: User) -> None:
    case = case_make(officer)

    response = verified_client(officer).post(
        change_url(case.applicant),
        {"field": "mobile", "value": "12345", "reason": "换号", "confirmed": "True"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["value"]
    assert Applicant.objects.get().mobile == "13800138000"


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_of_a_market_that_does_not_serve_the_applicant_get_404_and_change_nothing(
    verified_client: Clients, officer: User, other_officer: User, inspector: User, method: str
) -> None:
    case = case_make(officer)
    change = {"field": "name", "value": "王五", "reason": "x", "confirmed": "True"}

    answers = [
        getattr(verified_client(user), method)(change_url(case.applicant), change).status_code
        for user in (other_officer, inspector)
    ]

    assert answers == [404, 403]
    assert Applicant.objects.get().name == "韦小宝"
    assert not AuditEvent.objects.filter(action__startswith="applicant.").exists()


def test_the_case_page_links_to_the_correction_and_shows_the_contact_mobile(
    verified_client: Clients, officer: User
) -> None:
    case = case_make(officer)

    html = page(verified_client(officer).get(f"/cases/{case.pk}/"))

    assert change_url(case.applicant) in html
    assert zh("Contact mobile for this case") in html
    assert "13800138000" not in html


def test_the_employer_is_renamed_only_on_its_own_page_and_every_posting_shows_it(
    verified_client: Clients, officer: User, nanning_market: Market, nanning: Region
) -> None:
    qingxiu_make()
    posting = posting_make(officer, nanning_market, publish=True)
    client = verified_client(officer)
    html = page(client.get(f"/counter/postings/{posting.pk}/"))
    assert change_url(posting.employer) in html

    client.post(
        change_url(posting.employer),
        {"field": "name", "value": "邕江餐饮集团", "reason": "营业执照变更", "confirmed": "True"},
    )

    posting.refresh_from_db()
    assert posting.employer.name == "邕江餐饮集团"
    event = AuditEvent.objects.get(action="applicant.renamed")
    assert event.old_values == {"name": "南宁市邕江餐饮有限公司"}
    assert event.new_values["kind"] == "organisation"
