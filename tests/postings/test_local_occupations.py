"""A market's own occupations (本市场工种): under a 中类 of the 2022 classification, with a code
the system gives (``4-03-L001``), chosen on that market's postings and counted with their 中类."""

from __future__ import annotations

import pytest
import time_machine
from conftest import MarketFactory, MembershipFactory
from django.core.exceptions import PermissionDenied, ValidationError
from posting_support import actions_since, audit_mark, employer_make, posting_data, qingxiu_make

from accounts.models import User
from markets.models import Market, Region, Role
from workflows.postings.models import Occupation, Posting
from workflows.postings.selectors import occupation_list_for_postings, occupation_search
from workflows.postings.services import occupation_local_add, posting_intake
from workflows.seekers.rules import occupation_code_ancestors, occupation_code_valid

pytestmark = pytest.mark.django_db


def test_a_team_lead_adds_a_local_occupation_under_a_middle_group(
    team_lead: User, nanning_market: Market
) -> None:
    mark = audit_mark()

    first = occupation_local_add(
        actor=team_lead, market=nanning_market, middle_code="4-03", name="米粉师傅", aliases="粉店"
    )
    second = occupation_local_add(
        actor=team_lead, market=nanning_market, middle_code="4-03", name="螺蛳粉煮粉工"
    )

    assert (first.code, second.code) == ("4-03-L001", "4-03-L002")
    assert first.level == Occupation.Level.LOCAL and first.is_occupation
    assert first.parent is not None and first.parent.code == "4-03"
    assert first.market == nanning_market
    assert first.middle_code == "4-03"
    assert actions_since(mark) == [("occupation.local_added", "postings.occupation")] * 2
    assert first.history.count() == 1


def test_local_occupations_are_offered_to_their_market_only(
    team_lead: User, nanning_market: Market
) -> None:
    local = occupation_local_add(
        actor=team_lead, market=nanning_market, middle_code="4-03", name="米粉师傅"
    )

    assert local not in occupation_list_for_postings()
    assert local in occupation_list_for_postings(markets=[nanning_market.pk])
    assert local not in occupation_list_for_postings(markets=[nanning_market.pk + 1000])
    assert [o.code for o in occupation_search(text="米粉", markets=[nanning_market.pk])] == [
        "4-03-L001"
    ]


def test_a_local_code_is_well_formed_for_seekers_and_falls_under_its_middle_group() -> None:
    assert occupation_code_valid("4-03-L001")
    assert occupation_code_ancestors("4-03-L001") == ["4", "4-03"]
    assert not occupation_code_valid("4-03-L1")
    assert not occupation_code_valid("4-L001")


def test_an_officer_may_not_add_one_and_a_bad_middle_group_or_name_is_refused(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    with pytest.raises(PermissionDenied):
        occupation_local_add(
            actor=officer, market=nanning_market, middle_code="4-03", name="米粉师傅"
        )
    with pytest.raises(ValidationError) as caught:
        occupation_local_add(actor=team_lead, market=nanning_market, middle_code="4", name="x")
    assert "middle_code" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        occupation_local_add(
            actor=team_lead, market=nanning_market, middle_code="4-03", name="中式烹调师"
        )
    assert "name" in caught.value.message_dict
    assert not Occupation.objects.filter(level=Occupation.Level.LOCAL).exists()


def test_a_posting_of_another_market_may_not_name_a_local_occupation(
    team_lead: User, nanning_market: Market, liuzhou: Region, frozen_time: time_machine.Traveller
) -> None:
    qingxiu_make()
    local = occupation_local_add(
        actor=team_lead, market=nanning_market, middle_code="4-03", name="米粉师傅"
    )
    liuzhou_market = MarketFactory.create(region=liuzhou, name="柳州市零工市场")
    liuzhou_officer = MembershipFactory.create(market=liuzhou_market, role=Role.OFFICER).user
    employer = employer_make(liuzhou_officer)

    with pytest.raises(ValidationError) as caught:
        posting_intake(
            actor=liuzhou_officer,
            market=liuzhou_market,
            channel="counter",
            employer=employer,
            data=posting_data(occupation=local.code),
        )

    assert list(caught.value.message_dict) == ["occupation"]
    assert not Posting.objects.exists()
