"""The public pages of a market (standard art. 8, 26, 27): the big screen and the kiosk answer
anyone, in Chinese by default, and show no personal data: no applicant's name, ID number or
mobile, no employer's contact person or phone, and a person who employs is not named."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from conftest import FROZEN_AT, ID_NUMBERS, MarketFactory, case_make
from django.test import Client
from django.utils import timezone
from portal_support import (
    CONTACT_NAME,
    CONTACT_PHONE,
    ORGANISATION_MOBILE,
    ORGANISATION_NAME,
    PERSON_EMPLOYER_MOBILE,
    PERSON_EMPLOYER_NAME,
    county,
    html,
    occupation,
    organisation_employer,
    person_employer,
    posting_make,
    postings_bulk,
)

from accounts.models import User
from cases.models import Applicant
from cases.services import case_close, case_resolve
from markets.models import Market
from portal import views
from portal.selectors import market_figures_for_day
from workflows.postings.models import PayMethod, Posting, Status

APPLICANT_NAME = "韦小宝"  # conftest.applicant_make
APPLICANT_MOBILE = "13800138000"


@pytest.fixture
def employer(db: None) -> Applicant:
    return organisation_employer()


@pytest.fixture
def posting(nanning_market: Market, employer: Applicant) -> Posting:
    return posting_make(
        market=nanning_market,
        employer=employer,
        is_public_welfare=True,
        eligibility=["4050", "disabled"],
        description="有意者请联系 0771-8887766 或 １３９ １２３４ ５６７８，周末休息",
    )


def urls(market: Market, posting: Posting) -> dict[str, str]:
    return {
        "screen": f"/portal/{market.pk}/screen/",
        "kiosk": f"/portal/{market.pk}/kiosk/",
        "detail": f"/portal/{market.pk}/kiosk/postings/{posting.pk}/",
        "status": f"/portal/{market.pk}/kiosk/status/",
    }


# --- Anyone may read them -------------------------------------------------------------------


@pytest.mark.parametrize("page", ["screen", "kiosk", "detail", "status"])
def test_public_page_answers_without_sign_in_in_chinese(
    client: Client, nanning_market: Market, posting: Posting, page: str
) -> None:
    response = client.get(urls(nanning_market, posting)[page])

    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_and_inactive_markets_have_no_public_pages(
    client: Client, nanning_market: Market
) -> None:
    nanning_market.is_active = False
    nanning_market.save()

    assert client.get(f"/portal/{nanning_market.pk}/screen/").status_code == 404
    assert client.get(f"/portal/{nanning_market.pk}/kiosk/").status_code == 404
    assert client.get(f"/portal/{nanning_market.pk + 1000}/kiosk/status/").status_code == 404


# --- No personal data -------------------------------------------------------------------------


def test_no_personal_data_on_the_screen_the_kiosk_list_and_a_posting(
    client: Client, nanning_market: Market, officer: User, posting: Posting
) -> None:
    case_make(officer)  # 韦小宝, ID_NUMBERS[0], 13800138000: opened today, on the screen's figures
    by_person = posting_make(market=nanning_market, employer=person_employer())
    pages = [*urls(nanning_market, posting).values(), urls(nanning_market, by_person)["detail"]]

    for url in pages:
        text = html(client.get(url))
        for secret in [
            APPLICANT_NAME,
            *ID_NUMBERS,
            APPLICANT_MOBILE,
            "138****8000",
            "8000",
            PERSON_EMPLOYER_NAME,
            PERSON_EMPLOYER_MOBILE,
            "139****5678",
            ORGANISATION_MOBILE,
            "136****9900",
            CONTACT_NAME,
            CONTACT_PHONE,
            "137****4433",
        ]:
            assert secret not in text, (url, secret)


def test_a_posting_names_an_organisation_but_never_a_person_who_employs(
    client: Client, nanning_market: Market, posting: Posting
) -> None:
    by_person = posting_make(market=nanning_market, employer=person_employer())

    by_organisation = html(client.get(urls(nanning_market, posting)["detail"]))
    by_someone = html(client.get(urls(nanning_market, by_person)["detail"]))

    assert ORGANISATION_NAME in by_organisation
    assert PERSON_EMPLOYER_NAME not in by_someone


def test_phone_numbers_in_the_employer_text_are_hidden_and_the_counter_is_the_contact(
    client: Client, nanning_market: Market, posting: Posting
) -> None:
    text = html(client.get(urls(nanning_market, posting)["detail"]))

    assert "8887766" not in text
    assert "５６７８" not in text
    assert "有意者请联系 *** 或 ***，周末休息" in text
    assert nanning_market.service_phone in text
    assert f"{posting.pk}" in text  # the job number to give at the counter


# --- The big screen -------------------------------------------------------------------------


def test_big_screen_shows_the_market_and_its_newest_published_postings(
    client: Client, nanning_market: Market, posting: Posting, employer: Applicant
) -> None:
    other_market = MarketFactory.create(region=nanning_market.region, name="南宁市第二零工市场")
    posting_make(market=other_market, employer=employer, occupation=occupation("4-07-05-01"))
    posting_make(
        market=nanning_market,
        employer=employer,
        occupation=occupation("6-29-01-01"),
        status=Status.IN_REVIEW,
        published_at=None,
    )

    text = client.get(f"/portal/{nanning_market.pk}/screen/").content.decode()

    assert nanning_market.name in text
    assert nanning_market.service_phone in text
    assert "餐厅服务员" in text
    assert "青秀区 民族大道 88 号" in text
    assert "09:00–17:00" in text
    assert "150–180" in text
    assert str(PayMethod.DAILY.label) in text
    assert 'class="marker-welfare"' in text
    assert "保安员" not in text  # another market's
    assert "砌筑工" not in text  # not published


def test_big_screen_reloads_every_minute_and_cycles_through_its_pages(
    client: Client, nanning_market: Market, employer: Applicant
) -> None:
    postings_bulk(views.SCREEN_PAGE_SIZE + 1, market=nanning_market, employer=employer)
    url = f"/portal/{nanning_market.pk}/screen/"

    first = client.get(url).content.decode()
    last = client.get(url, {"page": 2}).content.decode()
    beyond = client.get(url, {"page": 7}).content.decode()

    assert '<meta http-equiv="refresh" content="60;url=?page=2">' in first
    assert '<meta http-equiv="refresh" content="60;url=?page=1">' in last
    assert first.count('class="posting-card"') == views.SCREEN_PAGE_SIZE
    assert last.count('class="posting-card"') == 1
    assert beyond.count('class="posting-card"') == views.SCREEN_PAGE_SIZE  # back to the start


def test_today_s_figures_count_postings_published_and_cases_opened_and_closed_today(
    frozen_time: time_machine.Traveller,
    client: Client,
    nanning_market: Market,
    officer: User,
    employer: Applicant,
) -> None:
    frozen_time.move_to(FROZEN_AT - timedelta(days=1))  # yesterday: counted on no figure today
    posting_make(market=nanning_market, employer=employer)
    opened_yesterday = case_make(officer)
    frozen_time.move_to(FROZEN_AT)
    posting_make(market=nanning_market, employer=employer)
    posting_make(market=nanning_market, employer=employer, status=Status.FILLED)
    case_make(officer)
    case_close(
        actor=officer,
        case=case_resolve(actor=officer, case=opened_yesterday, outcome="答复"),
    )

    figures = market_figures_for_day(market=nanning_market, day=timezone.localdate())
    response = client.get(f"/portal/{nanning_market.pk}/screen/")

    assert (figures.postings_published, figures.cases_opened, figures.cases_closed) == (2, 1, 1)
    assert response.context["figures"] == figures


# --- The kiosk --------------------------------------------------------------------------------


def test_kiosk_searches_by_major_group_occupation_county_and_pay_method(
    client: Client, nanning_market: Market, employer: Applicant
) -> None:
    xingning = county("450102", "兴宁区")
    waiter = posting_make(market=nanning_market, employer=employer)
    guard = posting_make(
        market=nanning_market,
        employer=employer,
        occupation=occupation("4-07-05-01"),
        county=xingning,
        pay_method=PayMethod.MONTHLY,
        pay_min=3000,
        pay_max=3500,
    )
    mason = posting_make(
        market=nanning_market, employer=employer, occupation=occupation("6-29-01-01")
    )
    url = f"/portal/{nanning_market.pk}/kiosk/"

    def found(**query: str) -> set[int]:
        response = client.get(url, query)
        assert response.status_code == 200
        return {posting.pk for posting in response.context["page"]}

    assert found() == {waiter.pk, guard.pk, mason.pk}
    assert found(occupation="4") == {waiter.pk, guard.pk}
    assert found(occupation="6-29-01-01") == {mason.pk}
    assert found(county="450102") == {guard.pk}
    assert found(pay_method=PayMethod.MONTHLY) == {guard.pk}
    assert found(occupation="4", pay_method=PayMethod.DAILY) == {waiter.pk}
    # A choice no longer offered is marked and left out; the rest still applies.
    assert found(occupation="8", county="450102") == {guard.pk}


def test_kiosk_results_are_paginated_and_keep_the_search(
    client: Client, nanning_market: Market, employer: Applicant
) -> None:
    postings_bulk(views.KIOSK_PAGE_SIZE + 2, market=nanning_market, employer=employer)
    url = f"/portal/{nanning_market.pk}/kiosk/"

    first = client.get(url, {"pay_method": "daily"})
    second = client.get(url, {"pay_method": "daily", "page": "2"})

    assert len(first.context["page"]) == views.KIOSK_PAGE_SIZE
    assert len(second.context["page"]) == 2
    assert "?pay_method=daily&amp;page=2" in first.content.decode()


def test_kiosk_shows_no_posting_that_is_not_published_or_of_another_market(
    client: Client, nanning_market: Market, employer: Applicant
) -> None:
    other_market = MarketFactory.create(region=nanning_market.region, name="南宁市第二零工市场")
    filled = posting_make(market=nanning_market, employer=employer, status=Status.FILLED)
    elsewhere = posting_make(market=other_market, employer=employer)

    assert client.get(f"/portal/{nanning_market.pk}/kiosk/postings/{filled.pk}/").status_code == 404
    assert (
        client.get(f"/portal/{nanning_market.pk}/kiosk/postings/{elsewhere.pk}/").status_code == 404
    )
    assert client.get(f"/portal/{nanning_market.pk}/kiosk/").context["page"].paginator.count == 0
