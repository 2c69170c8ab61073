"""An applicant signed in on the online pages reads their own records through the API; another
applicant's record by id is not found (IDOR); staff sessions are not applicants."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import assert_problem, published, qingxiu  # noqa: F401
from conftest import applicant_make
from counter_support import posting_make
from django.test import Client

from accounts.models import User
from cases.applicant_session import SESSION_KEY
from cases.models import Applicant, ChecklistItem
from markets.models import Market
from workflows.postings.models import Posting
from workflows.postings.services import posting_return_for_correction

pytestmark = pytest.mark.django_db


def _signed_in(applicant: Applicant) -> Client:
    client = Client(enforce_csrf_checks=True)
    session = client.session
    session[SESSION_KEY] = applicant.pk
    session.save()
    return client


def test_anonymous_callers_get_401_problems(published: Posting) -> None:
    for url in ("/api/v1/me/", "/api/v1/me/cases/", f"/api/v1/me/postings/{published.pk}/"):
        assert_problem(Client().get(url), 401)


def test_an_employer_reads_own_postings_and_cases_with_the_single_notice(
    officer: User, published: Posting
) -> None:
    returned = posting_make(officer, published.market)
    item = ChecklistItem.objects.filter(kind="posting_review", is_active=True).first()
    assert item is not None
    posting_return_for_correction(actor=officer, posting=returned, items=[item])
    client = _signed_in(published.employer)

    me = client.get("/api/v1/me/").json()
    postings = client.get("/api/v1/me/postings/").json()["results"]
    cases = client.get("/api/v1/me/cases/").json()["results"]
    case = client.get(f"/api/v1/me/cases/{returned.case_id}/").json()

    assert me["name"] == published.employer.name
    assert [p["id"] for p in postings] == [returned.pk, published.pk]
    assert postings[0]["contact_phone"] == returned.contact_phone_masked
    assert {c["id"] for c in cases} == {returned.case_id, published.case_id}
    assert [i["name"] for i in case["notices"][0]["items"]] == [item.name]


def test_another_applicant_s_case_or_posting_is_not_found(
    officer: User, published: Posting
) -> None:
    stranger = applicant_make(officer)
    client = _signed_in(stranger)

    assert client.get("/api/v1/me/postings/").json()["results"] == []
    assert client.get("/api/v1/me/cases/").json()["results"] == []
    assert_problem(client.get(f"/api/v1/me/postings/{published.pk}/"), 404)
    assert_problem(client.get(f"/api/v1/me/cases/{published.case_id}/"), 404)


def test_a_person_s_own_record_is_masked_as_on_the_pages(officer: User) -> None:
    person = applicant_make(officer)

    me = _signed_in(person).get("/api/v1/me/").json()

    assert me["id_number"] == person.id_number_masked
    assert "*" in me["id_number"] and "*" in me["mobile"]


def test_a_staff_session_is_not_an_applicant_nor_a_client(
    verified_client: Any, officer: User, published: Posting, nanning_market: Market
) -> None:
    staff = verified_client(officer)

    assert_problem(staff.get("/api/v1/me/"), 401)
    assert_problem(staff.get("/api/v1/client/postings/"), 401)
    assert_problem(staff.get("/api/v1/client/cases/"), 401)


def test_an_applicant_session_is_held_to_the_csrf_check_on_writes(officer: User) -> None:
    person = applicant_make(officer)
    client = _signed_in(person)
    client.get("/api/v1/me/")  # no token yet: the check must refuse
    refused = client.post("/api/v1/me/", "{}", content_type="application/json")
    client.cookies["csrftoken"] = "a" * 32
    passed = client.post(
        "/api/v1/me/", "{}", content_type="application/json", HTTP_X_CSRFTOKEN="a" * 32
    )

    body = assert_problem(refused, 403)
    assert "CSRF" in body["detail"]
    assert_problem(passed, 405)  # past the check: the address takes no POST
