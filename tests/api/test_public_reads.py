"""Public reads (no sign-in): published postings and their search, one posting, the market
directory with opening hours and each service's published time limits and materials."""

from __future__ import annotations

from datetime import timedelta

import pytest
from api_support import assert_problem, liuzhou_market, published, qingxiu  # noqa: F401
from counter_support import posting_make
from django.test import Client
from django.utils import timezone

from accounts.models import User
from cases.models import ChecklistItem
from markets.models import Market
from noticeboard.selectors import service_list_for_board
from workflows.postings.models import Posting
from workflows.postings.services import posting_withdraw

pytestmark = pytest.mark.django_db


def test_published_postings_are_listed_without_sign_in_and_with_no_contact_detail(
    published: Posting,
) -> None:
    response = Client().get("/api/v1/postings/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    results = response.json()["results"]
    assert [r["id"] for r in results] == [published.pk]
    item = results[0]
    assert item["occupation"]["code"] == "4-03-02-05"
    assert item["employer_name"] == "南宁市邕江餐饮有限公司"  # an organisation is named
    assert item["description"] == "有意者请联系 ***，周末休息"
    text = response.content.decode()
    for secret in ("13907710001", "139 0771 0001", "黄经理", "0771-8887766", "91450100MA5K3D8Q0N"):
        assert secret not in text


def test_a_posting_not_published_is_not_listed_and_not_found(
    officer: User, nanning_market: Market, published: Posting
) -> None:
    in_review = posting_make(officer, nanning_market)
    posting_withdraw(actor=officer, posting=published, reason="招满了")

    listed = Client().get("/api/v1/postings/").json()["results"]

    assert listed == []
    assert_problem(Client().get(f"/api/v1/postings/{in_review.pk}/"), 404)
    assert_problem(Client().get(f"/api/v1/postings/{published.pk}/"), 404)


def test_one_posting_reads_as_in_the_list(published: Posting) -> None:
    response = Client().get(f"/api/v1/postings/{published.pk}/")

    assert response.status_code == 200
    assert response.json()["id"] == published.pk
    assert response.json()["pay_min"] == "200.00"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("occupation=餐厅服务员", True),
        ("occupation=保安员", False),
        ("occupation_code=4-03", True),
        ("occupation_code=4-07", False),
        ("county=4501", True),
        ("county=4502", False),
        ("place=民族大道", True),
        ("place=友爱路", False),
        ("wage_min=220", True),
        ("wage_min=300", False),
        ("wage_max=200", True),
        ("wage_max=150", False),
        ("pay_method=daily", True),
        ("pay_method=hourly", False),
    ],
)
def test_search_filters(published: Posting, query: str, found: bool) -> None:
    response = Client().get(f"/api/v1/postings/?{query}")

    assert response.status_code == 200
    assert bool(response.json()["results"]) is found


def test_search_by_market_and_working_day(published: Posting, liuzhou_market: Market) -> None:
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    late = (timezone.localdate() + timedelta(days=60)).isoformat()

    assert Client().get(f"/api/v1/postings/?market={published.market_id}").json()["results"]
    assert not Client().get(f"/api/v1/postings/?market={liuzhou_market.pk}").json()["results"]
    assert Client().get(f"/api/v1/postings/?works_on={day}").json()["results"]
    assert not Client().get(f"/api/v1/postings/?works_on={late}").json()["results"]


def test_a_bad_filter_value_is_a_problem_with_the_field(published: Posting) -> None:
    body = assert_problem(Client().get("/api/v1/postings/?works_on=yesterday"), 400)

    assert "works_on" in body["errors"]


def test_market_directory_lists_opening_hours(nanning_market: Market) -> None:
    response = Client().get("/api/v1/markets/")

    assert response.status_code == 200
    market = response.json()["results"][0]
    assert market["name"] == nanning_market.name
    assert market["opening_hours"]["opens_at"] == nanning_market.opens_at.strftime("%H:%M")


def test_one_market_lists_each_service_s_published_time_limit_and_materials(
    nanning_market: Market,
) -> None:
    ChecklistItem.objects.create(
        kind="posting_review", name="营业执照副本", reason="核实用工主体", format="复印件"
    )

    response = Client().get(f"/api/v1/markets/{nanning_market.pk}/")

    assert response.status_code == 200
    services = {s["kind"]: s for s in response.json()["services"]}
    board = service_list_for_board(market=nanning_market)
    assert list(services) == [service.kind for service in board]
    for service in board:
        answered = services[service.kind]
        assert [m["name"] for m in answered["materials"]] == [m.name for m in service.materials]
        for target in ("acceptance", "completion"):
            limit = getattr(service, target)
            if limit is None or limit.policy is None:
                continue
            assert answered[target]["all_channels"] == {
                "amount": limit.policy.amount,
                "unit": limit.policy.unit,
            }
    assert "营业执照副本" in [m["name"] for m in services["posting_review"]["materials"]]
    assert any(s["completion"] for s in services.values())


def test_an_inactive_market_is_not_in_the_directory(nanning_market: Market) -> None:
    nanning_market.is_active = False
    nanning_market.save()

    assert Client().get("/api/v1/markets/").json()["results"] == []
    assert_problem(Client().get(f"/api/v1/markets/{nanning_market.pk}/"), 404)


def test_reads_carry_an_etag_and_answer_304_when_unchanged(published: Posting) -> None:
    first = Client().get(f"/api/v1/postings/{published.pk}/")
    etag = first["ETag"]

    again = Client().get(f"/api/v1/postings/{published.pk}/", HTTP_IF_NONE_MATCH=etag)
    changed = Client().get(f"/api/v1/postings/{published.pk}/", HTTP_IF_NONE_MATCH='"other"')

    assert etag
    assert again.status_code == 304
    assert again.content == b""
    assert changed.status_code == 200


def test_cursor_pagination_walks_every_posting_once(
    officer: User, nanning_market: Market, published: Posting
) -> None:
    second = posting_make(officer, nanning_market, publish=True)
    third = posting_make(officer, nanning_market, publish=True)

    first_page = Client().get("/api/v1/postings/?page_size=2").json()
    next_page = Client().get(first_page["next"]).json()

    seen = [r["id"] for r in first_page["results"]] + [r["id"] for r in next_page["results"]]
    assert seen == [third.pk, second.pk, published.pk]
    assert next_page["next"] is None


@pytest.mark.parametrize("size", ["101", "100000", "0", "-1", "many"])
def test_pagination_abuse_is_refused(published: Posting, size: str) -> None:
    body = assert_problem(Client().get(f"/api/v1/postings/?page_size={size}"), 400)

    assert "page_size" in body["errors"]


def test_a_forged_cursor_is_a_problem(published: Posting) -> None:
    assert_problem(Client().get("/api/v1/postings/?cursor=bz1hYmM%3D"), 404)


def test_public_reads_are_throttled_per_address(
    published: Posting, settings: pytest.FixtureRequest
) -> None:
    settings.REST_FRAMEWORK = {  # type: ignore[attr-defined]
        **settings.REST_FRAMEWORK,  # type: ignore[attr-defined]
        "DEFAULT_THROTTLE_RATES": {"address": "3/min", "client": "100/min"},
    }
    answers = [Client().get("/api/v1/markets/").status_code for _ in range(3)]
    limited = Client().get("/api/v1/markets/")
    other_address = Client(REMOTE_ADDR="10.0.0.9").get("/api/v1/markets/")
    forwarded = Client().get("/api/v1/markets/", HTTP_X_FORWARDED_FOR="10.1.1.1")

    assert answers == [200, 200, 200]
    assert_problem(limited, 429)
    assert limited["Retry-After"]
    assert other_address.status_code == 200
    assert forwarded.status_code == 429  # a forwarded header is not an address


@pytest.mark.parametrize("name", ["works_on", "published_since", "wage_min", "market"])
def test_an_empty_typed_filter_is_refused(published: Posting, name: str) -> None:
    body = assert_problem(Client().get(f"/api/v1/postings/?{name}="), 400)

    assert name in body["errors"]
