"""Which markets a staff member sees: their own, and an inspector every market in the region
subtree they cover."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import (
    TOTP_KEYS,
    MarketFactory,
    MembershipFactory,
    RegionFactory,
    UserFactory,
    add_totp_device,
)
from django.test import Client

from accounts.models import User
from markets.models import Market, Membership, Region, Role
from markets.selectors import market_list_visible_to


@pytest.fixture
def markets(guangxi: Region, nanning: Region, liuzhou: Region) -> dict[str, Market]:
    qingxiu = RegionFactory.create(code="450103", name="青秀区")
    guangdong = RegionFactory.create(code="440000", name="广东省")
    guangzhou = RegionFactory.create(code="440100", name="广州市")
    assert guangdong.level == Region.Level.PROVINCE
    return {
        "nanning": MarketFactory.create(region=nanning, name="南宁市零工市场"),
        "qingxiu": MarketFactory.create(region=qingxiu, name="南宁市青秀区零工市场"),
        "liuzhou": MarketFactory.create(region=liuzhou, name="柳州市零工市场"),
        "guangzhou": MarketFactory.create(region=guangzhou, name="广州市零工市场"),
    }


def visible(user: User) -> set[str]:
    return set(market_list_visible_to(user=user).values_list("name", flat=True))


@pytest.mark.django_db
def test_an_inspector_over_guangxi_sees_every_guangxi_market(
    markets: dict[str, Market], guangxi: Region
) -> None:
    inspector = MembershipFactory.create(inspector=True, region=guangxi).user

    assert visible(inspector) == {"南宁市零工市场", "南宁市青秀区零工市场", "柳州市零工市场"}


@pytest.mark.django_db
def test_an_inspector_over_a_city_sees_only_that_citys_markets(
    markets: dict[str, Market], nanning: Region
) -> None:
    inspector = MembershipFactory.create(inspector=True, region=nanning).user

    assert visible(inspector) == {"南宁市零工市场", "南宁市青秀区零工市场"}


@pytest.mark.django_db
def test_an_inspector_over_two_regions_sees_both_without_duplicates(
    markets: dict[str, Market], guangxi: Region, nanning: Region
) -> None:
    inspector = MembershipFactory.create(inspector=True, region=guangxi).user
    MembershipFactory.create(user=inspector, inspector=True, region=nanning)

    names = list(market_list_visible_to(user=inspector).values_list("name", flat=True))

    assert sorted(names) == sorted(["南宁市零工市场", "南宁市青秀区零工市场", "柳州市零工市场"])


@pytest.mark.django_db
def test_an_officer_sees_only_their_market(markets: dict[str, Market]) -> None:
    officer = MembershipFactory.create(role=Role.OFFICER, market=markets["nanning"]).user

    assert visible(officer) == {"南宁市零工市场"}


@pytest.mark.django_db
def test_a_team_lead_of_a_district_market_does_not_see_the_city_market(
    markets: dict[str, Market],
) -> None:
    lead = MembershipFactory.create(role=Role.TEAM_LEAD, market=markets["qingxiu"]).user

    assert visible(lead) == {"南宁市青秀区零工市场"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_administrators_and_staff_without_a_role_see_no_market(
    markets: dict[str, Market], role: Role
) -> None:
    administrator = UserFactory.create()
    Membership.objects.create(user=administrator, role=role)

    assert visible(administrator) == set()
    assert visible(UserFactory.create()) == set()


@pytest.mark.django_db
def test_the_home_page_lists_the_markets_the_user_sees(
    markets: dict[str, Market], nanning: Region, verified_client: Callable[[User], Client]
) -> None:
    inspector = MembershipFactory.create(inspector=True, region=nanning).user
    add_totp_device(inspector, TOTP_KEYS[Role.INSPECTOR])

    html = verified_client(inspector).get("/").content.decode()

    assert "南宁市零工市场" in html
    assert "南宁市青秀区零工市场" in html
    assert "柳州市零工市场" not in html
