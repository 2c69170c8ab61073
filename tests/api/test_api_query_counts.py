"""Every list of the API answers in a bounded number of queries: more rows add none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from api_support import bearer, client_make, published, qingxiu, token_for  # noqa: F401
from conftest import MarketFactory
from counter_support import posting_make, seeker_make
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from cases.applicant_session import SESSION_KEY
from cases.models import ChecklistItem
from markets.models import Market, Region
from workflows.guidance.services import referral_record
from workflows.postings.models import Posting
from workflows.postings.services import posting_return_for_correction

pytestmark = pytest.mark.django_db


def _queries(get: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = get()
    assert response.status_code == 200, response.content
    return len(captured)


def _more_postings(officer: User, market: Market, count: int) -> None:
    item = ChecklistItem.objects.filter(kind="posting_review", is_active=True).first()
    assert item is not None
    for index in range(count):
        posting = posting_make(officer, market, publish=index % 2 == 0)
        if index % 2:
            posting_return_for_correction(actor=officer, posting=posting, items=[item])


def test_every_list_takes_as_many_queries_for_many_rows_as_for_one(
    officer: User, published: Posting, nanning: Region
) -> None:
    _more_postings(officer, published.market, 2)  # one with a single notice, from the start
    record, secret = client_make(scopes=("postings:read", "cases:read"), market=published.market)
    token = bearer(token_for(record, secret))
    applicant = Client()
    session = applicant.session
    session[SESSION_KEY] = published.employer_id
    session.save()
    lists: dict[str, Callable[[], Any]] = {
        "public postings": lambda: Client().get("/api/v1/postings/"),
        "markets": lambda: Client().get("/api/v1/markets/"),
        "client postings": lambda: Client().get("/api/v1/client/postings/", **token),
        "client cases": lambda: Client().get("/api/v1/client/cases/", **token),
        "own postings": lambda: applicant.get("/api/v1/me/postings/"),
        "own cases": lambda: applicant.get("/api/v1/me/cases/"),
    }
    few = {name: _queries(get) for name, get in lists.items()}

    _more_postings(officer, published.market, 6)
    for index in range(4):
        MarketFactory.create(region=nanning, name=f"南宁市第{index}零工市场")
    many = {name: _queries(get) for name, get in lists.items()}

    assert many == few


def test_the_referral_lists_and_the_feed_take_as_many_queries_for_many_rows_as_for_one(
    officer: User, published: Posting, settings: Any
) -> None:
    settings.API_FEED_SETTLE_SECONDS = 0
    seeker = seeker_make(officer, published.market)
    record, secret = client_make(scopes=("cases:read", "sync"), market=published.market)
    token = bearer(token_for(record, secret))
    applicant = Client()
    session = applicant.session
    session[SESSION_KEY] = seeker.applicant_id
    session.save()

    def more(count: int) -> None:
        for _index in range(count):
            posting = posting_make(officer, published.market, publish=True)
            referral_record(actor=officer, seeker=seeker, posting=posting)

    lists: dict[str, Callable[[], Any]] = {
        "own referrals": lambda: applicant.get("/api/v1/me/referrals/"),
        "client referrals": lambda: Client().get("/api/v1/client/referrals/", **token),
        "feed": lambda: Client().get("/api/v1/client/feed/", **token),
    }
    more(1)
    few = {name: _queries(get) for name, get in lists.items()}

    more(5)
    many = {name: _queries(get) for name, get in lists.items()}

    assert many == few
