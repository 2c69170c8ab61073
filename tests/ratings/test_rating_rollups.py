"""The monthly roll-ups of the satisfaction ratings (好差评) against hand-computed figures:
per officer, per service and per market, the calendar month in Beijing time, 满意度 =
(非常满意 + 满意 + 基本满意) ÷ all, "no data" (never 0 %) for none; and the section of the
team lead's dashboard, whose query count does not grow with the rows."""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal

import pytest
from conftest import SHANGHAI, MarketFactory, UserFactory

from accounts.models import User
from markets.models import Market
from workflows.ratings.models import Rating
from workflows.ratings.selectors import RatingLine, rating_rollup

pytestmark = pytest.mark.django_db
_NUMBERS = itertools.count(1)


def _cases_rated(market: Market, rows: list[tuple[User | None, str, str, datetime]]) -> None:
    """Ratings written directly (the roll-up reads what is stored): (officer, kind, level,
    rated at)."""
    from cases.models import Applicant, Case

    applicant = Applicant.objects.create(kind="person", name="甲")
    opener = UserFactory.create()
    for officer, kind, level, at in rows:
        case = Case.objects.create(
            reference=f"{market.pk:06d}-2026-{next(_NUMBERS):06d}",
            first_contact_officer=opener,
            kind=kind,
            state="closed",
            market=market,
            channel="counter",
            applicant=applicant,
            subject="s",
        )
        Rating.objects.create(
            case=case,
            level=level,
            channel="kiosk",
            officer=officer,
            kind=kind,
            market=market,
            rated_at=at,
        )


def _at(day: int, hour: int = 10, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def test_the_month_rolls_up_per_officer_service_and_market(nanning_market):
    wang = UserFactory.create(username="wang", full_name="王芳")
    li = UserFactory.create(username="li", full_name="李强")
    _cases_rated(
        nanning_market,
        [
            (wang, "policy_consultation", "very_satisfied", _at(2)),
            (wang, "policy_consultation", "satisfied", _at(5)),
            (wang, "complaint", "dissatisfied", _at(9)),
            (li, "policy_consultation", "basically_satisfied", _at(31, 23)),  # last evening
            (li, "complaint", "very_dissatisfied", _at(15)),
            (li, "complaint", "very_satisfied", _at(1, 0)),  # first midnight, Beijing
            # Outside March in Beijing time (UTC would put the first in March).
            (li, "complaint", "satisfied", datetime(2026, 4, 1, 0, 30, tzinfo=SHANGHAI)),
            (wang, "complaint", "satisfied", _at(28, 23, month=2)),
        ],
    )
    rollup = rating_rollup(market_ids=[nanning_market.pk], year=2026, month=3)
    officers = {line.label: line for line in rollup.by_officer}
    # 王芳: 1 very satisfied, 1 satisfied, 1 dissatisfied -> 2/3 = 66.7 %.
    assert officers["王芳"].level_counts == [1, 1, 0, 1, 0]
    assert officers["王芳"].rate == Decimal("66.7")
    # 李强: basically satisfied, very dissatisfied, very satisfied -> 2/3 = 66.7 %.
    assert officers["李强"].level_counts == [1, 0, 1, 0, 1]
    assert officers["李强"].total == 3
    kinds = {line.key: line for line in rollup.by_kind}
    # Policy consultation: 3 ratings, all satisfied -> 100 %.
    assert kinds["policy_consultation"].level_counts == [1, 1, 1, 0, 0]
    assert kinds["policy_consultation"].rate == Decimal("100.0")
    assert kinds["policy_consultation"].label in ("Policy consultation", "政策咨询")
    # Complaints: very satisfied, dissatisfied, very dissatisfied -> 1/3 = 33.3 %.
    assert kinds["complaint"].level_counts == [1, 0, 0, 1, 1]
    assert kinds["complaint"].rate == Decimal("33.3")
    [market] = rollup.by_market
    assert (market.label, market.total, market.satisfied) == ("南宁市零工市场", 6, 4)
    assert market.rate == Decimal("66.7") and rollup.total.rate == Decimal("66.7")


def test_a_month_without_ratings_is_no_data_never_zero(nanning_market):
    rollup = rating_rollup(market_ids=[nanning_market.pk], year=2026, month=3)
    assert rollup.by_officer == rollup.by_kind == rollup.by_market == []
    assert rollup.total.total == 0 and rollup.total.rate is None
    assert RatingLine(key=None, label="").rate is None


def test_markets_roll_up_separately_and_only_those_asked_for(nanning, liuzhou):
    nanning_market = MarketFactory.create(region=nanning, name="南宁")
    liuzhou_market = MarketFactory.create(region=liuzhou, name="柳州")
    _cases_rated(nanning_market, [(None, "complaint", "satisfied", _at(3))])
    _cases_rated(
        liuzhou_market,
        [
            (None, "complaint", "dissatisfied", _at(3)),
            (None, "complaint", "very_dissatisfied", _at(4)),
            (None, "complaint", "basically_satisfied", _at(5)),
            (None, "complaint", "satisfied", _at(6)),
        ],
    )
    both = rating_rollup(market_ids=[nanning_market.pk, liuzhou_market.pk], year=2026, month=3)
    rates = {line.label: (line.total, line.rate) for line in both.by_market}
    assert rates == {"南宁": (1, Decimal("100.0")), "柳州": (4, Decimal("50.0"))}
    assert both.total.rate == Decimal("60.0")  # 3 of 5
    only = rating_rollup(market_ids=[nanning_market.pk], year=2026, month=3)
    assert [line.label for line in only.by_market] == ["南宁"]


def test_the_dashboard_shows_the_months_ratings_with_a_bounded_query_count(
    team_lead, nanning_market, verified_client, django_assert_max_num_queries, frozen_time
):
    client = verified_client(team_lead)
    empty = client.get(f"/sla/market/{nanning_market.pk}/").content.decode()
    assert "no data" in empty or "暂无数据" in empty
    officers = [UserFactory.create(username=f"o{n}", full_name=f"官{n}") for n in range(2)]
    _cases_rated(nanning_market, [(o, "complaint", "satisfied", _at(2)) for o in officers])
    with django_assert_max_num_queries(60) as few:
        client.get(f"/sla/market/{nanning_market.pk}/?rating_month=2026-03")
    more = [UserFactory.create(username=f"p{n}", full_name=f"员{n}") for n in range(8)]
    _cases_rated(
        nanning_market,
        [
            (o, kind, "dissatisfied", _at(3))
            for o in more
            for kind in ("complaint", "policy_consultation")
        ],
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/sla/market/{nanning_market.pk}/?rating_month=2026-03")
    ratings = response.context["ratings"]
    assert len(ratings.by_officer) == 10
    html = response.content.decode()
    assert "官0" in html and "员7" in html
    assert "11.1%" in html  # 2 satisfied of 18


@pytest.mark.parametrize("month", ["2026-13", "March", "2026-04"])
def test_a_bad_or_future_month_shows_the_current_month_with_a_message(
    team_lead, nanning_market, verified_client, month, frozen_time
):
    response = verified_client(team_lead).get(
        f"/sla/market/{nanning_market.pk}/?rating_month={month}"
    )
    assert response.status_code == 200
    ratings = response.context["ratings"]
    assert (ratings.year, ratings.month) == (2026, 3)
    assert list(response.context["messages"])


def test_the_three_roll_ups_are_one_query_however_many_rows(
    nanning_market, django_assert_num_queries
):
    officers = [UserFactory.create(username=f"q{n}") for n in range(5)]
    _cases_rated(
        nanning_market,
        [(o, kind, "satisfied", _at(2)) for o in officers for kind in ("complaint", "welfare")],
    )
    with django_assert_num_queries(1):
        rollup = rating_rollup(market_ids=[nanning_market.pk], year=2026, month=3)
    assert len(rollup.by_officer) == 5 and len(rollup.by_kind) == 2
    assert rollup.by_market[0].total == 10
