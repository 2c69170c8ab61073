"""Other systems: a returned posting corrected (``postings:write``), the referrals of the
client's markets (``cases:read``, masked), and the feed of outbound changes (``sync``): the
provincial outbox's messages of the client's markets, in order, cursor-paginated, exactly as
the push carries them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from api_support import (
    assert_problem,
    bearer,
    client_make,
    liuzhou_market,  # noqa: F401
    post_json,
    published,  # noqa: F401
    qingxiu,  # noqa: F401
    token_for,
)
from counter_support import posting_make, seeker_make
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case, ChecklistItem, State
from markets.models import Market, Region
from provincial.models import OutboundMessage, RecordType
from provincial.services import outbound_wire
from workflows.guidance.services import referral_record
from workflows.postings.models import Posting, Status
from workflows.postings.services import posting_fill, posting_return_for_correction
from workflows.seekers.models import SeekerProfile
from workflows.seekers.services import seeker_register

pytestmark = pytest.mark.django_db

FEED = "/api/v1/client/feed/"


def _token(market: Market, *scopes: str, name: str | None = None) -> dict[str, Any]:
    record, secret = client_make(name=name, scopes=scopes, market=market)
    return bearer(token_for(record, secret))


@pytest.fixture
def settled(settings: Any) -> None:
    settings.API_FEED_SETTLE_SECONDS = 0


def _consenting_seeker(officer: User, market: Market) -> SeekerProfile:
    return seeker_register(
        actor=officer,
        market=market,
        channel="counter",
        name="韦小宝",
        id_number="450102199003071238",
        mobile="13800138000",
        profile={
            "household_type": "rural",
            "home_county": "450103",
            "wanted_occupations": ["4-03-02-05"],
            "wanted_areas": ["450100"],
            "available_days": [1, 2, 3, 4, 5],
            "available_from": "08:00",
            "available_until": "20:00",
            "platform_consent": True,
        },
    )


# --- Resubmit -------------------------------------------------------------------------------------


def test_a_client_resubmits_a_posting_returned_for_correction(
    officer: User, published: Posting
) -> None:
    returned = posting_make(officer, published.market)
    item = ChecklistItem.objects.filter(kind="posting_review", is_active=True).first()
    assert item is not None
    posting_return_for_correction(actor=officer, posting=returned, items=[item])

    response = post_json(
        Client(),
        f"/api/v1/client/postings/{returned.pk}/resubmit/",
        {"address": "南宁市青秀区民族大道 200 号", "status": "published"},
        **_token(published.market, "postings:read", "postings:write"),
    )

    assert response.status_code == 200, response.content
    returned.refresh_from_db()
    assert returned.address == "南宁市青秀区民族大道 200 号"
    assert returned.status == Status.IN_REVIEW
    assert Case.objects.get(pk=returned.case_id).state == State.IN_PROGRESS
    [event] = AuditEvent.objects.filter(action="api.posting_resubmitted")
    assert event.new_values["client"] == "省平台"


def test_resubmitting_needs_the_write_scope_and_the_client_s_market(
    officer: User, published: Posting, liuzhou_market: Market
) -> None:
    reader = _token(published.market, "postings:read")
    elsewhere = _token(liuzhou_market, "postings:read", "postings:write", name="柳州系统")
    url = f"/api/v1/client/postings/{published.pk}/resubmit/"

    assert_problem(post_json(Client(), url, {"address": "别处"}, **reader), 403)
    assert_problem(post_json(Client(), url, {"address": "别处"}, **elsewhere), 404)
    published.refresh_from_db()
    assert published.address != "别处"


# --- Referrals ------------------------------------------------------------------------------------


def test_client_referrals_are_of_its_markets_and_masked(
    officer: User, published: Posting, liuzhou_market: Market, qingxiu: Region
) -> None:
    seeker = seeker_make(officer, published.market)
    referral_record(actor=officer, seeker=seeker, posting=published)

    mine = Client().get("/api/v1/client/referrals/", **_token(published.market, "cases:read"))
    other = Client().get(
        "/api/v1/client/referrals/", **_token(liuzhou_market, "cases:read", name="柳州系统")
    )

    assert mine.status_code == 200, mine.content
    [referral] = mine.json()["results"]
    assert referral["posting"]["id"] == published.pk
    assert referral["seeker_name"] == "韦**"
    assert "13800138000" not in mine.content.decode()
    assert "450102199003071238" not in mine.content.decode()
    assert other.json()["results"] == []


def test_client_referrals_need_the_cases_scope(published: Posting) -> None:
    response = Client().get(
        "/api/v1/client/referrals/", **_token(published.market, "postings:read")
    )

    assert_problem(response, 403)


# --- The feed -------------------------------------------------------------------------------------


def test_the_feed_carries_the_outbound_changes_of_the_client_s_markets_in_order(
    officer: User, published: Posting, liuzhou_market: Market, settled: None
) -> None:
    seeker = _consenting_seeker(officer, published.market)
    posting_fill(actor=officer, posting=published)

    mine = Client().get(FEED, **_token(published.market, "sync"))
    other = Client().get(FEED, **_token(liuzhou_market, "sync", name="柳州系统"))

    assert mine.status_code == 200, mine.content
    messages = list(OutboundMessage.objects.order_by("pk"))
    assert [m.record_type for m in messages] == [
        RecordType.POSTING,
        RecordType.REGISTRATION,
        RecordType.POSTING,
    ]
    results = mine.json()["results"]
    assert results == [outbound_wire(m) for m in messages]  # exactly what the push carries
    assert [(r["record_id"], r["sequence"]) for r in results if r["record_type"] == "posting"] == [
        (published.pk, 1),
        (published.pk, 2),
    ]
    assert results[1]["record_id"] == seeker.pk
    assert other.json()["results"] == []


def test_the_feed_pages_with_a_cursor_and_resumes_from_the_last_one(
    officer: User, published: Posting, settled: None
) -> None:
    headers = _token(published.market, "sync")
    posting_fill(actor=officer, posting=published)
    seen: list[str] = []
    url: str | None = f"{FEED}?page_size=1"
    last = ""
    while url:
        page = Client().get(url, **headers).json()
        seen += [m["idempotency_key"] for m in page["results"]]
        last = url
        url = page["next"]
    second = posting_make(officer, published.market, publish=True)

    again = Client().get(last, **headers).json()

    assert len(seen) == 2 == len(set(seen))
    assert [m["record_id"] for m in again["results"]] == [published.pk]  # the page re-read
    following = Client().get(again["next"], **headers).json()
    assert [m["record_id"] for m in following["results"]] == [second.pk]


def test_a_message_just_written_waits_for_the_settle_window(
    published: Posting, settings: Any
) -> None:
    settings.API_FEED_SETTLE_SECONDS = 5
    headers = _token(published.market, "sync")

    now = Client().get(FEED, **headers).json()
    with time_machine.travel(timezone.now() + timedelta(seconds=6)):
        later = Client().get(FEED, **headers).json()

    assert now["results"] == []
    assert [m["record_id"] for m in later["results"]] == [published.pk]


def test_the_feed_needs_the_sync_scope(published: Posting) -> None:
    response = Client().get(FEED, **_token(published.market, "postings:read", "cases:read"))

    assert_problem(response, 403)


def test_the_feed_refuses_a_huge_page_size(published: Posting) -> None:
    response = Client().get(f"{FEED}?page_size=100000", **_token(published.market, "sync"))

    body = assert_problem(response, 400)
    assert "page_size" in body["errors"]
