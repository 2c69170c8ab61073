"""Absence cover (AB岗) from the UI, in Chinese (the default) and English: the team lead's page
records, ends early and cancels absences, and shows each refusal on the form; the deputy finds
the "Covering for …" tab on the workbench and the absent officer's cases behind it; a transfer
to an absent officer says on the page that it went to the deputy. Lists read a bounded number
of queries, however many rows they show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from absence_support import absence_events, away, colleague, day
from conftest import case_make
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from test_case_support import market_make, messages_of, page

from accounts.models import User
from cases.models import Transfer
from markets.models import Absence, Market, Membership, Role

pytestmark = pytest.mark.django_db

ZH, EN = "zh-hans", "en"


@pytest.fixture
def lead(nanning_market: Market, frozen_time: time_machine.Traveller) -> User:
    return colleague("lead", nanning_market, Role.TEAM_LEAD)


@pytest.fixture
def zhang(nanning_market: Market) -> User:
    return colleague("张三", nanning_market)


@pytest.fixture
def li(nanning_market: Market) -> User:
    return colleague("李四", nanning_market)


@pytest.fixture
def client_as(verified_client: Callable[[User], Client]) -> Callable[..., Client]:
    def make(user: User, language: str = ZH) -> Client:
        client = verified_client(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return make


def _form(market: Market, officer: User, deputy: User, start: int, end: int) -> dict[str, Any]:
    return {
        "market": market.pk,
        "officer": officer.pk,
        "deputy": deputy.pk,
        "starts_on": day(start).isoformat(),
        "ends_on": day(end).isoformat(),
        "note": "",
    }


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (ZH, "已登记张三于2026-03-02至2026-03-06离岗，由李四代岗。"),
        (EN, "张三 is recorded as away from 2026-03-02 to 2026-03-06; 李四 covers."),
    ],
)
def test_a_team_lead_records_an_absence_on_the_page(
    lead: User,
    zhang: User,
    li: User,
    nanning_market: Market,
    client_as: Callable[..., Client],
    language: str,
    said: str,
) -> None:
    client = client_as(lead, language)

    response = client.post("/absences/", _form(nanning_market, zhang, li, 0, 4), follow=True)

    assert response.redirect_chain == [("/absences/", 302)]
    assert messages_of(response) == [said]
    absence = Absence.objects.get()
    assert (absence.officer, absence.deputy, absence.recorded_by) == (zhang, li, lead)
    assert [row[0] for row in absence_events()] == ["absences.recorded"]
    listed = page(response)
    assert "2026-03-06" in listed
    assert ("离岗中" if language == ZH else "Away now") in listed


@pytest.mark.parametrize(
    ("language", "field", "said"),
    [
        (ZH, "deputy", "离岗人员不能担任自己的代岗人员。"),
        (EN, "deputy", "The absent officer cannot be their own deputy."),
    ],
)
def test_a_deputy_who_is_the_absent_officer_is_refused_on_the_form(
    lead: User,
    zhang: User,
    nanning_market: Market,
    client_as: Callable[..., Client],
    language: str,
    field: str,
    said: str,
) -> None:
    response = client_as(lead, language).post(
        "/absences/", _form(nanning_market, zhang, zhang, 0, 4)
    )

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [said]
    assert said in page(response)
    assert not Absence.objects.exists()


def test_overlapping_absences_and_an_end_before_the_start_are_refused_on_the_form(
    lead: User,
    zhang: User,
    li: User,
    nanning_market: Market,
    client_as: Callable[..., Client],
) -> None:
    away(lead, zhang, li, start=0, end=4)
    wang = colleague("王五", nanning_market)
    client = client_as(lead, EN)

    overlap = client.post("/absences/", _form(nanning_market, zhang, wang, 3, 6))
    backwards = client.post("/absences/", _form(nanning_market, wang, li, 3, 2))

    assert overlap.status_code == backwards.status_code == 400
    assert "the absences of one officer may not overlap" in page(overlap)
    assert backwards.context["form"].errors["ends_on"] == [
        "An absence cannot end before it starts."
    ]
    assert Absence.objects.count() == 1


def test_a_deputy_from_another_market_the_lead_also_leads_is_refused_on_the_form(
    lead: User,
    zhang: User,
    nanning_market: Market,
    guangxi: Any,
    client_as: Callable[..., Client],
) -> None:
    liuzhou = market_make("450200", "柳州市")
    Membership.objects.create(user=lead, role=Role.TEAM_LEAD, market=liuzhou)
    stranger = colleague("柳州同事", liuzhou)

    response = client_as(lead).post("/absences/", _form(nanning_market, zhang, stranger, 0, 4))

    assert response.status_code == 400
    assert response.context["form"].errors["deputy"] == [
        "代岗人员必须是同一市场（南宁市零工市场）在岗的同事。"
    ]
    assert not Absence.objects.exists()


def test_ending_early_and_cancelling_from_the_page(
    lead: User,
    zhang: User,
    li: User,
    nanning_market: Market,
    client_as: Callable[..., Client],
) -> None:
    running = away(lead, zhang, li, start=0, end=4)
    coming = away(lead, li, zhang, start=6, end=8)
    client = client_as(lead, EN)

    ended = client.post(f"/absences/{running.pk}/end/", follow=True)
    cancelled = client.post(f"/absences/{coming.pk}/cancel/", follow=True)
    again = client.post(f"/absences/{coming.pk}/cancel/", follow=True)

    assert messages_of(ended) == ["张三 is back: their transfers and reminders reach them again."]
    assert messages_of(cancelled) == ["The absence of 李四 from 2026-03-08 is cancelled."]
    assert messages_of(again) == [
        "Only an absence that has not started can be cancelled; end a running one early."
    ]
    assert [row[0] for row in absence_events()] == [
        "absences.recorded",
        "absences.recorded",
        "absences.ended_early",
        "absences.cancelled",
    ]
    assert "Ended early" in page(again)


def test_an_officer_may_not_end_an_absence_and_another_markets_lead_does_not_find_it(
    lead: User,
    zhang: User,
    li: User,
    guangxi: Any,
    client_as: Callable[..., Client],
) -> None:
    running = away(lead, zhang, li)
    other_lead = colleague("柳州负责人", market_make("450200", "柳州市"), Role.TEAM_LEAD)

    assert client_as(li).post(f"/absences/{running.pk}/end/").status_code == 403
    assert client_as(other_lead).post(f"/absences/{running.pk}/end/").status_code == 404
    assert Absence.objects.get().ended_at is None


@pytest.mark.parametrize(
    ("language", "tab", "heading"),
    [
        (ZH, "代张三岗（至2026-03-06）", "代张三岗"),
        (EN, "Covering for 张三 (until 2026-03-06)", "Covering for 张三"),
    ],
)
def test_the_deputy_finds_the_covering_tab_and_the_absent_officers_cases(
    lead: User,
    zhang: User,
    li: User,
    client_as: Callable[..., Client],
    language: str,
    tab: str,
    heading: str,
) -> None:
    case = case_make(zhang)
    away(lead, zhang, li)
    client = client_as(li, language)

    workbench = page(client.get("/cases/"))
    covering = page(client.get("/absences/covering/"))

    assert tab in workbench
    assert 'href="/absences/covering/"' in workbench
    assert heading in covering
    assert case.reference in covering
    assert tab not in page(client_as(zhang, language).get("/cases/"))


def test_the_covering_tab_is_gone_when_the_absence_is_over(
    lead: User,
    zhang: User,
    li: User,
    client_as: Callable[..., Client],
    frozen_time: time_machine.Traveller,
) -> None:
    case = case_make(zhang)
    away(lead, zhang, li, start=0, end=4)
    frozen_time.move_to("2026-03-07 09:00 +0800")
    client = client_as(li, EN)

    assert "Covering for" not in page(client.get("/cases/"))
    covering = page(client.get("/absences/covering/"))
    assert "You cover for nobody today." in covering
    assert case.reference not in covering


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (ZH, "张三离岗中：案件{reference}已转给其代岗人员李四，等待接收。"),
        (
            EN,
            "张三 is away: case {reference} went to their deputy 李四, who is waiting to "
            "accept it.",
        ),
    ],
)
def test_a_transfer_to_an_absent_officer_says_on_the_page_that_it_went_to_the_deputy(
    lead: User,
    zhang: User,
    li: User,
    nanning_market: Market,
    client_as: Callable[..., Client],
    language: str,
    said: str,
) -> None:
    sender = colleague("sender", nanning_market)
    case = case_make(sender)
    away(lead, zhang, li)
    client = client_as(sender, language)

    form = page(client.get(f"/cases/{case.pk}/"))
    response = client.post(
        f"/cases/{case.pk}/transfer/",
        {"to_market": nanning_market.pk, "to_user": zhang.pk, "reason": "请接办"},
        follow=True,
    )

    offered = (
        "离岗至2026-03-06（南宁市零工市场）：转给李四"
        if language == ZH
        else ("away until 2026-03-06 (南宁市零工市场): goes to 李四")
    )
    assert offered in form
    assert messages_of(response) == [said.format(reference=case.reference)]
    assert Transfer.objects.get().to_user == li
    meant = (
        "原收件人张三离岗至2026-03-06：已转给代岗人员"
        if language == ZH
        else ("meant for 张三, away until 2026-03-06: sent to the deputy")
    )
    assert meant in page(response)


def test_the_deputy_resolves_the_absent_officers_case_from_its_page_and_it_stays_theirs(
    lead: User,
    zhang: User,
    li: User,
    client_as: Callable[..., Client],
) -> None:
    case = case_make(zhang)
    client = client_as(li, EN)
    before = page(client.get(f"/cases/{case.pk}/"))
    away(lead, zhang, li)

    during = page(client.get(f"/cases/{case.pk}/"))
    resolved = client.post(f"/cases/{case.pk}/resolve/", {"outcome": "已答复"}, follow=True)

    assert f'action="/cases/{case.pk}/resolve/"' not in before
    assert f'action="/cases/{case.pk}/resolve/"' in during
    assert messages_of(resolved) == [f"Case {case.reference} is resolved."]
    case.refresh_from_db()
    assert (case.state, case.owner) == ("resolved", zhang)


def test_only_team_leads_find_absences_in_the_navigation(
    lead: User, zhang: User, client_as: Callable[..., Client]
) -> None:
    assert 'href="/absences/"' in page(client_as(lead, EN).get("/cases/"))
    assert 'href="/absences/"' not in page(client_as(zhang, EN).get("/cases/"))


# --- Bounded queries ------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_absence_list_reads_the_same_queries_for_more_absences(
    lead: User,
    nanning_market: Market,
    client_as: Callable[..., Client],
    django_assert_max_num_queries: Any,
) -> None:
    staff = [colleague(f"同事{n}", nanning_market) for n in range(12)]
    client = client_as(lead)
    for n in range(2):
        away(lead, staff[2 * n], staff[2 * n + 1], start=n, end=n)
    few = _queries(client, "/absences/")
    for n in range(2, 6):
        away(lead, staff[2 * n], staff[2 * n + 1], start=n, end=n + 1)

    with django_assert_max_num_queries(few):
        assert client.get("/absences/").status_code == 200


def test_the_covering_page_reads_the_same_queries_for_more_cases(
    lead: User,
    zhang: User,
    li: User,
    client_as: Callable[..., Client],
    django_assert_max_num_queries: Any,
) -> None:
    case_make(zhang)
    away(lead, zhang, li)
    client = client_as(li)
    few = _queries(client, "/absences/covering/")
    for n in range(6):
        case_make(zhang, subject=f"咨询{n}")

    with django_assert_max_num_queries(few):
        response = client.get("/absences/covering/")
    assert page(response).count("/cases/") >= 7
