"""The hand-computed March 2026 of Nanning's and Liuzhou's markets (described in
test_stats_compute.py), shared by the statistics tests (each file's ``scene`` fixture)."""

from __future__ import annotations

from typing import Any

from conftest import MarketFactory, RegionFactory
from stats_support import day, posting, seeker

from accounts.models import User
from markets.models import Membership, Role


def scene_make() -> dict[str, Any]:
    guangxi = RegionFactory.create(code="450000", name="广西壮族自治区")
    nanning = RegionFactory.create(code="450100", name="南宁市")
    liuzhou = RegionFactory.create(code="450200", name="柳州市")
    market = MarketFactory.create(region=nanning, name="南宁市零工市场")
    other = MarketFactory.create(region=liuzhou, name="柳州市零工市场")
    officer = User.objects.create(username="stats-officer")
    Membership.objects.create(user=officer, role=Role.OFFICER, market=market)

    posting(market, code="4-03-02-01", headcount=10, industry="62")
    posting(market, code="4-03-02-05", headcount=5, pay="4350", method="monthly", industry="62")
    posting(market, code="4-02-06-01", headcount=20, pay="30", method="hourly", industry="54")
    posting(market, code="6-01-01-01", headcount=3, pay="2", method="piece", piece_daily_output=150)
    posting(market, code="6-01-01-01", headcount=2, pay="2", method="piece")
    posting(market, code="4-02-06-01", headcount=1, pay="500", method="job")
    posting(market, code="4-03-02-01", headcount=1, pay="0")
    posting(market, code="4-03-02-01", headcount=1, pay="50000000")
    posting(market, headcount=100, published=day("2026-04-01"))
    posting(market, headcount=100, ended=day("2026-02-27"))
    posting(market, headcount=100, end_date=day("2026-02-28"))
    posting(market, headcount=100, published=None, status="draft")
    posting(other, code="4-03-02-01", headcount=4, pay="180")

    s1 = seeker(
        market,
        officer,
        registered=day("2026-03-05"),
        wants=["4-03-02-01", "4-03-02-05"],
        difficulty=["disabled"],
    )
    seeker(market, officer, registered=day("2026-03-20"), applicant=s1)
    seeker(other, officer, registered=day("2026-03-21"), applicant=s1)
    seeker(
        market,
        officer,
        registered=day("2026-01-10"),
        gender="female",
        born=day("2000-05-01"),
        household="urban",
        wants=["4-03-02-01", "4-02-06-01"],
    )
    seeker(
        market,
        officer,
        registered=day("2025-12-15"),
        gender="female",
        born=day("1970-01-01"),
        wants=["6-01-01-01"],
        difficulty=["4050", "dibao"],
    )
    seeker(market, officer, registered=day("2025-11-15"), wants=["4-03-02-01"])
    seeker(market, officer, registered=day("2026-04-02"), wants=["4-03-02-01"])
    seeker(market, officer, registered=day("2026-03-10"), wants=["4-03-02-01"], withdrawn=True)
    return {"market": market, "other": other, "guangxi": guangxi, "nanning": nanning}
