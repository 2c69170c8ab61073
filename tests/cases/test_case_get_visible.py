"""``case_get_visible`` reads a case by its key and settles the common case (a case of a
market the user works in, or one they opened) without the whole visibility condition; for
everyone else it asks ``case_visibility``. Its answer is the condition's for every user and
every case: the short cut changes how, never whether."""

from __future__ import annotations

import pytest
from case_support import inspector_make, market_make, staff_make
from conftest import case_make

from accounts.models import User
from cases.models import Case
from cases.selectors import case_get_visible, case_list_visible
from cases.services import case_transfer
from markets.models import Market, Region, Role

pytestmark = pytest.mark.django_db


def _sees(user: User, case: Case) -> bool:
    try:
        found = case_get_visible(user=user, pk=case.pk)
    except Case.DoesNotExist:
        return False
    assert found == case
    return True


def test_every_user_sees_a_case_by_its_key_exactly_when_the_condition_says_so(
    officer: User,
    team_lead: User,
    inspector: User,
    nanning_market: Market,
    liuzhou: Region,
) -> None:
    liuzhou_market = market_make("450200", "柳州市")
    other_officer = staff_make("liuzhou_officer", Role.OFFICER, liuzhou_market)
    other_lead = staff_make("liuzhou_lead", Role.TEAM_LEAD, liuzhou_market)
    bystander = staff_make("liuzhou_bystander", Role.OFFICER, liuzhou_market)
    liuzhou_inspector = inspector_make("liuzhou_inspector", liuzhou)
    users = [officer, team_lead, inspector, other_officer, other_lead, bystander, liuzhou_inspector]

    here = case_make(officer, subject="南宁的")
    there = case_make(other_officer, subject="柳州的")
    sent_to_a_team = case_make(officer, subject="转给柳州团队")
    case_transfer(actor=officer, case=sent_to_a_team, to_market=liuzhou_market, reason="转办")
    sent_to_someone = case_make(officer, subject="转给柳州的人")
    case_transfer(
        actor=officer,
        case=sent_to_someone,
        to_market=liuzhou_market,
        to_user=other_officer,
        reason="转办",
    )
    cases = [here, there, sent_to_a_team, sent_to_someone]

    seen = {(user.username, case.subject): _sees(user, case) for user in users for case in cases}

    assert seen == {
        (user.username, case.subject): case_list_visible(user=user).filter(pk=case.pk).exists()
        for user in users
        for case in cases
    }
    # Both answers occur, through both ways of reading.
    assert seen[officer.username, "柳州的"] is False
    assert seen[bystander.username, "转给柳州团队"] is True  # by the transfer, not the market
    assert seen[bystander.username, "转给柳州的人"] is False
    assert seen[liuzhou_inspector.username, "南宁的"] is False
    assert seen[inspector.username, "南宁的"] is True
    with pytest.raises(Case.DoesNotExist):
        case_get_visible(user=officer, pk=max(case.pk for case in cases) + 1)
