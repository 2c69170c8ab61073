"""A user's rights (markets worked in, AB岗 cover, regions inspected, system administration) are
read once per process, not on every request (issue 14: intake read the officer's memberships
on every case), and read afresh in every process as soon as a membership, an absence or a
region changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from absence_support import away, colleague, day
from case_support import fresh, market_make
from conftest import RegionFactory, UserFactory

from accounts.models import User
from cases import permissions as can
from markets.absences import absence_end
from markets.models import Market, Membership, Region, Role

pytestmark = pytest.mark.django_db


def test_the_next_request_of_the_same_user_reads_no_rights(
    officer: User, nanning_market: Market, django_assert_num_queries: Callable[..., Any]
) -> None:
    assert can.works_in(fresh(officer), nanning_market.pk)
    user = fresh(officer)  # a new request's user object: nothing cached on it

    with django_assert_num_queries(0):
        assert can.market_roles(user) == {nanning_market.pk: Role.OFFICER}
        assert can.inspected_prefixes(user) == []
        assert not can.administers_system(user)


def test_a_new_and_a_removed_membership_are_seen_at_once(
    officer: User, nanning_market: Market, guangxi: Region
) -> None:
    liuzhou = market_make("450200", "柳州市")
    assert not can.works_in(fresh(officer), liuzhou.pk)

    membership = Membership.objects.create(user=officer, role=Role.TEAM_LEAD, market=liuzhou)
    assert can.leads(fresh(officer), liuzhou.pk)

    membership.role = Role.OFFICER
    membership.save()
    assert not can.leads(fresh(officer), liuzhou.pk)

    membership.delete()
    assert not can.works_in(fresh(officer), liuzhou.pk)
    assert can.works_in(fresh(officer), nanning_market.pk)


def test_an_inspected_region_is_seen_at_once(guangxi: Region) -> None:
    inspector = UserFactory.create(username="inspector-2")
    assert can.inspected_prefixes(fresh(inspector)) == []

    region = RegionFactory.create(code="450300", name="桂林市")
    Membership.objects.create(user=inspector, role=Role.INSPECTOR, region=region)

    assert can.inspected_prefixes(fresh(inspector)) == [region.prefix]


def test_a_system_administrator_role_given_or_taken_away_is_seen_at_once(
    officer: User,
) -> None:
    assert not can.administers_system(fresh(officer))
    given = Membership.objects.create(user=officer, role=Role.SYSTEM_ADMIN)
    assert can.administers_system(fresh(officer))
    given.delete()
    assert not can.administers_system(fresh(officer))


def test_cover_starts_and_ends_with_its_absence_and_with_the_day(
    team_lead: User, officer: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    deputy = colleague("deputy", nanning_market)
    assert can.covering_market_ids(fresh(deputy)) == frozenset()

    absence = away(team_lead, officer, deputy, start=1, end=2)  # from tomorrow
    assert can.covering_market_ids(fresh(deputy)) == frozenset()

    frozen_time.move_to(day(1).isoformat() + "T09:00:00+08:00")  # the next day: it runs
    assert can.covering_market_ids(fresh(deputy)) == {nanning_market.pk}

    absence_end(actor=team_lead, absence=absence)  # ended early
    assert can.covering_market_ids(fresh(deputy)) == frozenset()


def test_what_one_user_object_is_given_cannot_change_another(
    officer: User, nanning_market: Market
) -> None:
    first = fresh(officer)
    can.market_roles(first)[999] = Role.TEAM_LEAD  # a caller scribbling on the dict it got

    assert can.market_roles(fresh(officer)) == {nanning_market.pk: Role.OFFICER}
