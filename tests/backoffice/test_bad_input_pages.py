"""Bad input is answered, never a 500 (issue 13, item 11): each address the issue names, with
the value that used to raise, gets a page with a message or a refused form, and changes
nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import case_make
from counter_support import posting_form, qingxiu_make
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from markets.models import Market
from workflows.postings.models import Posting

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]


def in_english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def messages_of(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "query",
    [
        "day=0001-01-01",
        "day=9999-12-31",
        "month=9999-12",
        "month=0001-01",
        "month=0000-01",
        "month=2026-1-1",
        "day=1" + "0" * 5000,
        "month=9999-12&format=csv",
        "month=9999-12&format=xlsx",
        "day=0001-01-01&format=csv",
        "day=9999-12-31&format=xlsx",
    ],
)
def test_a_ledger_period_out_of_range_is_a_message_not_a_server_error(
    team_lead: User, nanning_market: Market, verified_client: Clients, query: str
) -> None:
    response = in_english(verified_client(team_lead)).get(f"/ledger/{nanning_market.pk}/?{query}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")  # no export of a made-up period
    assert any("Give the" in message for message in messages_of(response))
    assert not AuditEvent.objects.filter(action="ledger.exported").exists()


@pytest.mark.parametrize(
    "query",
    ["date_from=0001-01-01", "date_to=9999-12-31", "date_from=0001-01-01&date_to=0001-01-01"],
)
def test_an_audit_date_out_of_range_is_a_form_error(
    team_lead: User, verified_client: Clients, query: str
) -> None:
    response = verified_client(team_lead).get(f"/audit/events/?{query}")

    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "0001-01-07", "9999-12-27"])
def test_a_far_week_of_the_rooms_falls_back_to_this_week_with_a_message(
    officer: User, verified_client: Clients, week: str
) -> None:
    response = in_english(verified_client(officer)).get(f"/guidance/rooms/?week={week}")

    assert response.status_code == 200
    assert any("Give the week" in message for message in messages_of(response))


@pytest.mark.parametrize("break_minutes", ["1" + "0" * 30, "1" + "0" * 5000, "1441"])
def test_absurd_break_minutes_are_refused_on_their_field(
    officer: User, nanning_market: Market, verified_client: Clients, break_minutes: str
) -> None:
    qingxiu_make()
    response = verified_client(officer).post(
        "/counter/postings/new/", posting_form(break_minutes=break_minutes)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["break_minutes"]
    assert not Posting.objects.exists()


@pytest.mark.parametrize("next_page", ["0001-01-01", "backoffice:home", "//evil.example/", ""])
def test_a_next_that_is_not_a_path_here_returns_to_the_case(
    officer: User, verified_client: Clients, next_page: str
) -> None:
    case = case_make(officer)

    response = verified_client(officer).post(
        f"/cases/{case.pk}/note/", {"text": "已电话联系申请人", "next": next_page}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert AuditEvent.objects.filter(action="case.note_added", target_id=str(case.pk)).exists()


def test_a_ticked_record_number_too_large_for_the_database_is_a_form_error(
    officer: User, verified_client: Clients
) -> None:
    case = case_make(officer)

    response = verified_client(officer).post(
        f"/cases/{case.pk}/request-materials/", {"items": ["1" + "0" * 30]}
    )

    assert response.status_code == 200
    [bound] = [action for action in response.context["actions"] if action["open"]]
    assert bound["form"].errors["items"]


@pytest.mark.parametrize(
    "query", ["from=0001-01-01", "to=9999-12-31", "from=1899-12-31&to=2026-03-31"]
)
def test_an_sla_period_out_of_range_falls_back_to_this_month_with_a_message(
    team_lead: User, nanning_market: Market, verified_client: Clients, query: str
) -> None:
    client = in_english(verified_client(team_lead))

    response = client.get(f"/sla/market/{nanning_market.pk}/?{query}")

    assert response.status_code == 200
    assert any("Give the days as YYYY-MM-DD" in message for message in messages_of(response))


def test_a_rooms_market_given_as_thousands_of_digits_is_not_found(
    officer: User, verified_client: Clients
) -> None:
    response = verified_client(officer).get(f"/guidance/rooms/?market={'9' * 5000}")

    assert response.status_code == 404
