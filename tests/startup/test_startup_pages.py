"""The start-up help pages as each role: officers and team leads of the market work; the
inspector reads (forms 403); another market's officer gets 404; administrators 403."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import ID_NUMBERS
from django.test import Client
from startup_support import other_market_officer, precheck_data, startup_make

from accounts.models import User
from cases.models import Case, SingleNotice, State
from markets.models import Market, Region
from workflows.startup.models import LoanPreCheck, StartupService

ClientFor = Callable[[User], Client]


@pytest.fixture
def case(officer: User, nanning_market: Market) -> Case:
    return startup_make(officer, nanning_market)


@pytest.mark.parametrize("page", ["list", "new", "detail"])
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("officer", {"list": 200, "new": 200, "detail": 200}),
        ("team_lead", {"list": 200, "new": 200, "detail": 200}),
        ("inspector", {"list": 200, "new": 403, "detail": 200}),
        ("stranger", {"list": 200, "new": 200, "detail": 404}),
        ("system_admin", {"list": 403, "new": 403, "detail": 403}),
        ("security_admin", {"list": 403, "new": 403, "detail": 403}),
        ("audit_admin", {"list": 403, "new": 403, "detail": 403}),
    ],
)
def test_pages_per_role(
    request: pytest.FixtureRequest,
    verified_client: ClientFor,
    case: Case,
    liuzhou: Region,
    role: str,
    expected: dict[str, int],
    page: str,
) -> None:
    user = other_market_officer(liuzhou) if role == "stranger" else request.getfixturevalue(role)
    url = {"list": "/startup/", "new": "/startup/new/", "detail": f"/startup/{case.pk}/"}[page]
    response = verified_client(user).get(url)
    assert response.status_code == expected[page]
    if page == "list" and response.status_code == 200:
        assert (case.reference in response.content.decode()) == (role != "stranger")


def test_inspector_reads_without_forms_and_may_not_post(
    verified_client: ClientFor, inspector: User, case: Case
) -> None:
    client = verified_client(inspector)
    body = client.get(f"/startup/{case.pk}/").content.decode()
    assert "loan-precheck" not in body and "/items/" not in body
    for path in ("items/training/", "loan-precheck/", "complete/"):
        assert client.post(f"/startup/{case.pk}/{path}", {"outcome": "provided"}).status_code == 403
    assert not StartupService.objects.exclude(outcome="pending").exists()


def test_another_markets_officer_cannot_post(
    verified_client: ClientFor, liuzhou: Region, case: Case
) -> None:
    client = verified_client(other_market_officer(liuzhou))
    response = client.post(f"/startup/{case.pk}/items/training/", {"outcome": "provided"})
    assert response.status_code == 404


def test_open_a_case_at_the_counter(
    verified_client: ClientFor, officer: User, nanning_market: Market
) -> None:
    response = verified_client(officer).post(
        "/startup/new/",
        {
            "name": "黄小明",
            "id_number": ID_NUMBERS[1],
            "mobile": "13800138001",
            "channel": "counter",
            "plan_summary": "开一家奶茶店",
        },
    )
    case = Case.objects.get(kind="startup_help")
    assert response.status_code == 302
    assert response["Location"] == f"/startup/{case.pk}/"
    assert case.applicant.name == "黄小明"
    assert StartupService.objects.filter(case=case).count() == 4


def test_bad_opening_input_keeps_what_was_typed_and_names_the_fields(
    verified_client: ClientFor, officer: User
) -> None:
    response = verified_client(officer).post(
        "/startup/new/",
        {
            "name": "<b>黄小明</b>",
            "id_number": "450102199003071239",
            "channel": "counter",
            "plan_summary": "",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="450102199003071239"' in body
    assert "&lt;b&gt;黄小明&lt;/b&gt;" in body and "<b>黄小明</b>" not in body
    assert 'id="id_id_number_errors"' in body
    assert 'id="id_plan_summary_errors"' in body
    assert not Case.objects.exists()


def test_record_items_and_complete_through_the_page(
    verified_client: ClientFor, officer: User, case: Case
) -> None:
    client = verified_client(officer)
    for item in ("training", "project", "opening"):
        response = client.post(f"/startup/{case.pk}/items/{item}/", {"outcome": "provided"})
        assert response.status_code == 302

    refused = client.post(f"/startup/{case.pk}/complete/", follow=True)
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS
    assert any("loan" in str(m).lower() or "贷款" in str(m) for m in refused.context["messages"])

    bad = client.post(f"/startup/{case.pk}/items/loan/", {"outcome": "referred", "note": ""})
    assert bad.status_code == 400
    assert 'id="id_loan_note_errors"' in bad.content.decode()

    client.post(f"/startup/{case.pk}/items/loan/", {"outcome": "referred", "note": "<i>银行</i>"})
    page = client.get(f"/startup/{case.pk}/").content.decode()
    assert "&lt;i&gt;银行&lt;/i&gt;" in page and "<i>银行</i>" not in page
    assert client.post(f"/startup/{case.pk}/complete/").status_code == 302
    case.refresh_from_db()
    assert case.state == State.CLOSED


def test_amount_beyond_the_limit_is_shown_on_the_field_with_the_input_kept(
    verified_client: ClientFor, officer: User, case: Case
) -> None:
    response = verified_client(officer).post(
        f"/startup/{case.pk}/loan-precheck/", precheck_data(amount="200001")
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'value="200001"' in body
    assert 'id="id_loan_amount_errors"' in body
    assert "200,000" in body
    assert not LoanPreCheck.objects.exists()


def test_precheck_with_missing_materials_links_the_notice_and_a_second_one_says_why_not(
    verified_client: ClientFor, officer: User, case: Case
) -> None:
    client = verified_client(officer)
    data = precheck_data(good_credit="unknown", plan_submitted="unknown", identity_checked="")
    first = client.post(f"/startup/{case.pk}/loan-precheck/", data, follow=True)
    body = first.content.decode()
    assert f"/cases/{case.pk}/notice/" in body
    assert SingleNotice.objects.filter(case=case).count() == 1

    second = client.post(f"/startup/{case.pk}/loan-precheck/", data, follow=True)
    assert SingleNotice.objects.filter(case=case).count() == 1
    assert LoanPreCheck.objects.filter(case=case).count() == 2
    shown = [str(m) for m in second.context["messages"]]
    assert any(LoanPreCheck.objects.first().notice_refused in m for m in shown)  # type: ignore[union-attr]
