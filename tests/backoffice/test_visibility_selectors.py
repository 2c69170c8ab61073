"""Issue 9, item 2: who may see a seeker, a posting, and where one works is decided once, in
the selectors beside the models (no longer in each view). The pages' answers are checked in
test_role_url_matrix.py; here the selectors themselves."""

from __future__ import annotations

import pytest
from counter_support import posting_make, qingxiu_make, seeker_make
from django.http import Http404
from test_case_support import market_make, staff_make

from accounts.models import User
from backoffice.common.access import visible_or_404
from markets.models import Market, Membership, Region, Role
from markets.selectors import market_ids_visible_to, market_list_worked_in
from workflows.postings.models import Posting
from workflows.postings.selectors import posting_get_visible
from workflows.seekers.models import SeekerProfile
from workflows.seekers.selectors import seeker_get_visible


@pytest.fixture
def qingxiu(nanning: Region) -> Region:
    return qingxiu_make()


@pytest.fixture
def liuzhou_market(liuzhou: Region) -> Market:
    return market_make("450200", "柳州市")


@pytest.fixture
def other_officer(liuzhou_market: Market) -> User:
    return staff_make("liuzhou_officer", Role.OFFICER, market=liuzhou_market)


def test_the_markets_worked_in_are_the_active_ones_of_an_officer_or_team_lead(
    officer: User, team_lead: User, inspector: User, nanning_market: Market, liuzhou_market: Market
) -> None:
    Membership.objects.create(user=officer, role=Role.TEAM_LEAD, market=liuzhou_market)
    assert market_list_worked_in(user=officer) == [nanning_market, liuzhou_market]
    assert market_list_worked_in(user=team_lead) == [nanning_market]
    # An inspector sees markets but works in none.
    assert market_list_worked_in(user=inspector) == []

    liuzhou_market.is_active = False
    liuzhou_market.save()
    assert market_list_worked_in(user=officer) == [nanning_market]

    officer.is_active = False
    officer.save()
    assert market_list_worked_in(user=officer) == []


def test_a_seeker_is_visible_in_the_market_they_registered_at_and_to_its_inspector(
    officer: User, inspector: User, other_officer: User, nanning_market: Market, qingxiu: Region
) -> None:
    seeker = seeker_make(officer, nanning_market)

    assert seeker_get_visible(user=officer, pk=seeker.pk) == seeker
    assert seeker_get_visible(user=inspector, pk=seeker.pk) == seeker
    with pytest.raises(SeekerProfile.DoesNotExist):
        seeker_get_visible(user=other_officer, pk=seeker.pk)


def test_a_posting_is_visible_in_its_market_and_to_its_inspector(
    officer: User, inspector: User, other_officer: User, nanning_market: Market, qingxiu: Region
) -> None:
    posting = posting_make(officer, nanning_market)

    assert posting_get_visible(user=officer, pk=posting.pk) == posting
    assert posting_get_visible(user=inspector, pk=posting.pk) == posting
    with pytest.raises(Posting.DoesNotExist):
        posting_get_visible(user=other_officer, pk=posting.pk)


def test_the_pages_turn_not_visible_and_not_a_number_into_404(
    officer: User, other_officer: User, nanning_market: Market, qingxiu: Region
) -> None:
    seeker = seeker_make(officer, nanning_market)

    assert visible_or_404(seeker_get_visible, user=officer, pk=str(seeker.pk)) == seeker
    for user, pk in [
        (other_officer, seeker.pk),
        (officer, None),
        (officer, "x"),
        (officer, "9" * 30),
    ]:
        with pytest.raises(Http404):
            visible_or_404(seeker_get_visible, user=user, pk=pk)


def test_the_market_ids_visible_are_those_of_the_markets_visible(
    officer: User, inspector: User, other_officer: User, nanning_market: Market
) -> None:
    liuzhou_market = Market.objects.get(name="柳州市零工市场")

    assert market_ids_visible_to(user=officer) == [nanning_market.pk]
    assert sorted(market_ids_visible_to(user=inspector)) == sorted(
        [nanning_market.pk, liuzhou_market.pk]
    )
    assert market_ids_visible_to(user=other_officer) == [liuzhou_market.pk]
