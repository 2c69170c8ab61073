"""The one rule of a market's supervision pages (``cases.permissions.supervises``: its team
leads and the inspectors over its region), who reads a market only as an inspector
(``reads_only``), and who has a part in a case's work (``acts_on``); and the reading an
inspector leaves on the trail (``cases.services.reading``). Pure rules over memberships."""

from __future__ import annotations

import pytest
from case_support import fresh, inspector_make, market_make, staff_make
from conftest import case_make

from accounts.models import User
from audit.models import AuditEvent
from cases import permissions as can
from cases.services import case_view_record
from markets.models import Market, Membership, Region, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def liuzhou_market(guangxi: Region) -> Market:
    return market_make("450200", "柳州市")


def test_team_leads_and_the_inspectors_over_a_market_supervise_it(
    officer: User,
    team_lead: User,
    inspector: User,
    nanning: Region,
    nanning_market: Market,
    liuzhou_market: Market,
) -> None:
    local = inspector_make("nanning_inspector", nanning)

    assert [can.supervises(u, nanning_market) for u in (officer, team_lead, inspector, local)] == [
        False,
        True,
        True,
        True,
    ]
    assert [can.supervises(u, liuzhou_market) for u in (team_lead, inspector, local)] == [
        False,
        True,
        False,
    ]


def test_an_inspector_who_works_in_a_market_does_not_read_it_only(
    guangxi: Region, nanning_market: Market, liuzhou_market: Market
) -> None:
    both = staff_make("both", Role.OFFICER, liuzhou_market)
    Membership.objects.create(user=both, role=Role.INSPECTOR, region=guangxi)
    both = fresh(both)

    assert can.reads_only(both, nanning_market) is True
    assert can.reads_only(both, liuzhou_market) is False
    assert can.supervises(both, liuzhou_market) is True  # inspected over Guangxi


def test_only_the_markets_staff_and_the_first_contact_officer_act_on_a_case(
    officer: User, team_lead: User, inspector: User, liuzhou_market: Market
) -> None:
    case = case_make(officer)
    stranger = staff_make("liuzhou_officer", Role.OFFICER, liuzhou_market)

    assert [can.acts_on(case, u) for u in (officer, team_lead, inspector, stranger)] == [
        True,
        True,
        False,
        False,
    ]


def test_a_view_is_recorded_for_an_inspector_only_and_an_unknown_page_is_refused(
    officer: User, inspector: User
) -> None:
    case = case_make(officer)

    assert case_view_record(actor=officer, case=case, page="detail") is None
    event = case_view_record(actor=inspector, case=case, page="detail", ip_address="10.0.0.1")
    with pytest.raises(ValueError):
        case_view_record(actor=inspector, case=case, page="anything")

    assert event is not None
    assert [e.pk for e in AuditEvent.objects.filter(action="case.viewed")] == [event.pk]
    assert (event.actor, event.market_id, event.ip_address) == (
        inspector,
        case.market_id,
        "10.0.0.1",
    )
