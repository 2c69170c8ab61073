"""The market's online desk: one account per market, made once, that nobody can sign in with
and nobody hands a case to."""

from __future__ import annotations

import pytest
from django_otp import devices_for_user

from accounts.models import User
from cases.staff_selectors import staff_list_for_markets, staff_list_of_active_markets
from markets.models import Market, Membership, Role
from online.desk import online_desk

pytestmark = pytest.mark.django_db


def test_one_desk_per_market_made_once(nanning_market: Market) -> None:
    desk = online_desk(market=nanning_market)

    assert online_desk(market=nanning_market) == desk
    assert User.objects.filter(username__startswith="online-desk-").count() == 1
    assert Membership.objects.get(user=desk).role == Role.TEAM_LEAD


def test_nobody_signs_in_as_the_desk(nanning_market: Market) -> None:
    desk = online_desk(market=nanning_market)
    assert not desk.has_usable_password()
    assert not desk.check_password("")
    assert not list(devices_for_user(desk, confirmed=None))  # no second factor either


def test_the_desk_is_not_offered_as_a_colleague_to_hand_a_case_to(
    nanning_market: Market, officer: User
) -> None:
    desk = online_desk(market=nanning_market)

    assert officer in staff_list_for_markets(market_ids=[nanning_market.pk])
    assert desk not in staff_list_for_markets(market_ids=[nanning_market.pk])
    assert desk not in staff_list_of_active_markets()
