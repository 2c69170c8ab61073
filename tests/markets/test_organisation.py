"""The organisation's rules: region codes (GB/T 2260), market names and opening hours."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from markets.models import Market, Region


def market(region: Region, **overrides: Any) -> Market:
    fields: dict[str, Any] = {
        "region": region,
        "name": f"{region.name}零工市场",
        "service_phone": "0771-5501234",
        "address": "民族大道 100 号",
        "opens_at": time(8, 30),
        "lunch_starts_at": time(12, 0),
        "lunch_ends_at": time(14, 30),
        "closes_at": time(17, 30),
        "premises_area_m2": Decimal("80.0"),
    }
    return Market(**(fields | overrides))


def errors_of(instance: Market | Region) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        instance.full_clean()
    return refused.value.message_dict


# --- Markets ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_properly_named_market_with_ordered_hours_is_valid(nanning: Region) -> None:
    market(nanning).full_clean()
    market(nanning, lunch_starts_at=None, lunch_ends_at=None).full_clean()
    market(nanning, name="南宁市青秀区零工市场").full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["南宁市人力资源市场", "南宁市零工市场服务中心", "零工市场南宁市"])
def test_a_market_name_must_end_with_the_words_for_gig_market(nanning: Region, name: str) -> None:
    assert "name" in errors_of(market(nanning, name=name))


@pytest.mark.django_db
def test_a_market_name_must_contain_the_regions_name(nanning: Region) -> None:
    assert "name" in errors_of(market(nanning, name="柳州市零工市场"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hours",
    [
        {"opens_at": time(17, 30), "closes_at": time(8, 30)},
        {"lunch_starts_at": time(14, 30), "lunch_ends_at": time(12, 0)},
        {"lunch_starts_at": time(7, 0)},
        {"lunch_ends_at": time(18, 0)},
        {"opens_at": time(12, 0)},  # opens when lunch starts
        {"lunch_starts_at": None, "lunch_ends_at": None, "closes_at": time(8, 30)},
    ],
    ids=[
        "closes before it opens",
        "lunch ends before it starts",
        "lunch before opening",
        "lunch after closing",
        "opening equals lunch start",
        "no lunch, closes when it opens",
    ],
)
def test_opening_hours_must_run_in_order(nanning: Region, hours: dict[str, time | None]) -> None:
    assert "closes_at" in errors_of(market(nanning, **hours))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lunch",
    [{"lunch_starts_at": None}, {"lunch_ends_at": None}],
    ids=["only the end", "only the start"],
)
def test_a_lunch_break_needs_both_ends(nanning: Region, lunch: dict[str, None]) -> None:
    incomplete = market(nanning, **lunch)

    assert "lunch_ends_at" in errors_of(incomplete)
    with pytest.raises(IntegrityError), transaction.atomic():
        incomplete.save()


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["0771-5501234", "07715501234", "13812345678", "12333"])
def test_service_phones_in_the_usual_forms_are_accepted(nanning: Region, phone: str) -> None:
    market(nanning, service_phone=phone).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["5501234", "0771-55012", "23812345678", "电话"])
def test_a_malformed_service_phone_is_refused(nanning: Region, phone: str) -> None:
    assert "service_phone" in errors_of(market(nanning, service_phone=phone))


# --- Regions ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_region_takes_its_level_and_parent_from_its_code() -> None:
    province = Region(code="450000", name="广西壮族自治区")
    province.full_clean()
    province.save()
    city = Region(code="450100", name="南宁市")
    city.full_clean()
    city.save()
    county = Region(code="450103", name="青秀区")
    county.full_clean()

    assert (province.level, province.parent) == (Region.Level.PROVINCE, None)
    assert (city.level, city.parent) == (Region.Level.CITY, province)
    assert (county.level, county.parent) == (Region.Level.COUNTY, city)


@pytest.mark.django_db
def test_a_county_whose_city_is_missing_is_refused(guangxi: Region) -> None:
    """Qingxiu district is in Nanning: it must not slip under Guangxi when Nanning is missing."""
    county = Region(code="450103", name="青秀区")

    assert "code" in errors_of(county)


@pytest.mark.django_db
def test_a_city_whose_province_is_missing_is_refused() -> None:
    assert "code" in errors_of(Region(code="450100", name="南宁市"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("province", "county"),
    [
        (("460000", "海南省"), ("469001", "五指山市")),  # 省直辖县级行政区划
        (("420000", "湖北省"), ("429004", "仙桃市")),
        (("110000", "北京市"), ("110101", "东城区")),  # a district of a municipality
        (("500000", "重庆市"), ("500101", "万州区")),
    ],
)
def test_a_county_with_no_city_above_it_hangs_under_the_province(
    province: tuple[str, str], county: tuple[str, str]
) -> None:
    parent = Region(code=province[0], name=province[1])
    parent.full_clean()
    parent.save()
    child = Region(code=county[0], name=county[1])

    child.full_clean()

    assert child.parent == parent
    assert child.level == Region.Level.COUNTY


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["45010", "4501000", "045000", "950000", "45O100"])
def test_a_malformed_division_code_is_refused(code: str) -> None:
    assert "code" in errors_of(Region(code=code, name="某地"))


@pytest.mark.django_db
def test_a_region_contains_exactly_its_subtree(guangxi: Region, nanning: Region) -> None:
    qingxiu = Region.objects.create(code="450103", name="青秀区", level="county", parent=nanning)
    liuzhou = Region.objects.create(code="450200", name="柳州市", level="city", parent=guangxi)
    guangdong = Region.objects.create(code="440000", name="广东省", level="province")

    assert guangxi.contains(nanning) and guangxi.contains(qingxiu) and guangxi.contains(liuzhou)
    assert nanning.contains(qingxiu) and nanning.contains(nanning)
    assert not nanning.contains(liuzhou)
    assert not nanning.contains(guangxi)
    assert not guangxi.contains(guangdong)
