"""The minimum wage (最低工资标准) that applies to a county on a day: the most specific area
above it with a tier in force, and of that area's tiers the latest not after the day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from workflows.postings.models import MinimumWage
from workflows.postings.selectors import area_codes_upwards, minimum_wage_for

pytestmark = pytest.mark.django_db


def tier(code: str, monthly: str, hourly: str, since: date) -> MinimumWage:
    return MinimumWage.objects.create(
        area_id=code, monthly=Decimal(monthly), hourly=Decimal(hourly), effective_from=since
    )


def test_area_codes_go_from_county_to_city_to_province() -> None:
    assert area_codes_upwards("450103") == ["450103", "450100", "450000"]
    assert area_codes_upwards("469001") == ["469001", "469000", "460000"]


def test_guangxi_tiers_are_seeded_from_2022_04_01() -> None:
    qingxiu = minimum_wage_for(county_code="450103", on=date(2026, 3, 2))
    hengzhou = minimum_wage_for(county_code="450181", on=date(2026, 3, 2))
    longan = minimum_wage_for(county_code="450123", on=date(2026, 3, 2))

    assert qingxiu is not None and hengzhou is not None and longan is not None
    assert (qingxiu.tier, qingxiu.monthly, qingxiu.hourly) == (
        "一类",
        Decimal("1990.00"),
        Decimal("20.10"),
    )
    assert (hengzhou.tier, hengzhou.monthly, hengzhou.hourly) == (
        "二类",
        Decimal("1840.00"),
        Decimal("18.60"),
    )
    assert (longan.tier, longan.monthly, longan.hourly) == (
        "三类",
        Decimal("1690.00"),
        Decimal("17.00"),
    )
    assert qingxiu.effective_from == date(2022, 4, 1)
    assert longan.area_id == "450000"


def test_nothing_applies_before_the_first_tier_or_outside_every_area() -> None:
    assert minimum_wage_for(county_code="450103", on=date(2022, 3, 31)) is None
    assert minimum_wage_for(county_code="440305", on=date(2026, 3, 2)) is None


def test_the_most_specific_area_wins() -> None:
    tier("440000", "1720", "16.40", date(2025, 3, 1))
    tier("440300", "2520", "23.70", date(2025, 3, 1))
    tier("440305", "2600", "25.00", date(2025, 3, 1))

    assert minimum_wage_for(county_code="440305", on=date(2026, 1, 1)).monthly == Decimal("2600")  # type: ignore[union-attr]
    assert minimum_wage_for(county_code="440306", on=date(2026, 1, 1)).monthly == Decimal("2520")  # type: ignore[union-attr]
    assert minimum_wage_for(county_code="440111", on=date(2026, 1, 1)).monthly == Decimal("1720")  # type: ignore[union-attr]


def test_a_more_specific_area_wins_only_once_its_tier_is_in_force() -> None:
    tier("440000", "1720", "16.40", date(2025, 3, 1))
    tier("440305", "2600", "25.00", date(2026, 6, 1))

    before = minimum_wage_for(county_code="440305", on=date(2026, 5, 31))
    after = minimum_wage_for(county_code="440305", on=date(2026, 6, 1))

    assert before is not None and before.area_id == "440000"
    assert after is not None and after.area_id == "440305"


def test_the_latest_tier_not_after_the_day_wins() -> None:
    tier("440300", "2360", "22.20", date(2022, 7, 1))
    tier("440300", "2520", "23.70", date(2025, 3, 1))
    tier("440300", "2700", "25.50", date(2027, 1, 1))

    def monthly(on: date) -> Decimal:
        wage = minimum_wage_for(county_code="440305", on=on)
        assert wage is not None
        return wage.monthly

    assert monthly(date(2025, 2, 28)) == Decimal("2360")
    assert monthly(date(2025, 3, 1)) == Decimal("2520")
    assert monthly(date(2026, 12, 31)) == Decimal("2520")
    assert monthly(date(2027, 1, 1)) == Decimal("2700")


def test_a_tier_is_once_per_area_and_date() -> None:
    from django.db import IntegrityError, transaction

    tier("440300", "2520", "23.70", date(2025, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        tier("440300", "2600", "24.00", date(2025, 3, 1))


def test_system_administrator_keeps_minimum_wages_and_occupations_and_auditor_reads_them() -> None:
    from markets.models import Role
    from markets.roles import ROLE_PERMISSIONS

    keeper = ROLE_PERMISSIONS[Role.SYSTEM_ADMIN]
    reader = ROLE_PERMISSIONS[Role.AUDIT_ADMIN]
    for model in ("minimumwage", "occupation"):
        assert {f"postings.{action}_{model}" for action in ("view", "add", "change")} <= keeper
        assert f"postings.delete_{model}" not in keeper
        assert f"postings.view_{model}" in reader
        assert f"postings.change_{model}" not in reader
