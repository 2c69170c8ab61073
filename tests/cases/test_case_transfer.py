"""Transfers: the sender keeps the case until the receiver decides; the first-contact officer
follows it wherever it goes and is told how it went."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from case_support import (
    audit_mark,
    case_row,
    case_state,
    fresh,
    market_make,
    staff_make,
    trail,
)
from conftest import case_make
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from accounts.models import User
from cases.models import Case, State, Transfer
from cases.selectors import case_get_visible, case_list_visible, transfer_list_waiting_for
from cases.services import (
    CaseActionError,
    case_reassign,
    case_transfer,
    case_transfer_accept,
    case_transfer_decline,
)
from markets.models import Market, Region, Role
from notifications.models import Notification
from sla.models import Deadline

pytestmark = pytest.mark.django_db

CaptureCallbacks = Callable[..., Any]


@pytest.fixture
def liuzhou_market(guangxi: Region) -> Market:
    return market_make("450200", "柳州市")


@pytest.fixture
def liuzhou_officer(liuzhou_market: Market) -> User:
    return staff_make("liuzhou_officer", Role.OFFICER, liuzhou_market)


@pytest.fixture
def liuzhou_colleague(liuzhou_market: Market) -> User:
    return staff_make("liuzhou_colleague", Role.OFFICER, liuzhou_market)


@pytest.fixture
def liuzhou_lead(liuzhou_market: Market) -> User:
    return staff_make("liuzhou_lead", Role.TEAM_LEAD, liuzhou_market)


@pytest.fixture
def guilin_officer(guangxi: Region) -> User:
    return staff_make("guilin_officer", Role.OFFICER, market_make("450300", "桂林市"))


@pytest.fixture
def colleague(nanning_market: Market) -> User:
    return staff_make("nanning_colleague", Role.OFFICER, nanning_market)


def sees(user: User, case: Case) -> bool:
    visible = list(case_list_visible(user=fresh(user)).filter(pk=case.pk))
    assert len(visible) <= 1, "a case is listed once, however many ways it is visible"
    return bool(visible)


def notified(user: User) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("text", flat=True)
    )


def test_transfer_to_an_officer_of_another_market_waits_with_the_sender(
    officer: User,
    liuzhou_officer: User,
    guilin_officer: User,
    nanning_market: Market,
    liuzhou_market: Market,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    case = case_make(officer)
    mark = audit_mark()

    with django_capture_on_commit_callbacks(execute=True):
        transfer = case_transfer(
            actor=officer,
            case=case,
            to_market=liuzhou_market,
            to_user=liuzhou_officer,
            reason=" 申请人在柳州务工 ",
        )

    case.refresh_from_db()
    assert (case.state, case.owner, case.market) == (
        State.TRANSFER_PENDING,
        officer,
        nanning_market,
    )
    assert (transfer.status, transfer.from_user, transfer.to_user, transfer.to_market) == (
        Transfer.Status.PENDING,
        officer,
        liuzhou_officer,
        liuzhou_market,
    )
    assert transfer.reason == "申请人在柳州务工"
    assert trail(mark) == [
        case_row(
            "case.transferred",
            actor=officer,
            case=case,
            state=State.TRANSFER_PENDING,
            keys=("to_market_id", "to_user_id", "reason"),
        )
    ]
    assert len(notified(liuzhou_officer)) == 1
    assert case.reference in notified(liuzhou_officer)[0]
    assert notified(officer) == []
    # The first-contact officer (here also the sender) and the receiver see it; a stranger not.
    assert sees(officer, case)
    assert sees(liuzhou_officer, case)
    assert not sees(guilin_officer, case)
    with pytest.raises(Case.DoesNotExist):
        case_get_visible(user=guilin_officer, pk=case.pk)


def test_transfer_to_another_markets_team_is_visible_to_that_team_until_decided(
    officer: User,
    liuzhou_officer: User,
    liuzhou_colleague: User,
    guilin_officer: User,
    liuzhou_market: Market,
) -> None:
    case = case_make(officer)
    transfer = case_transfer(
        actor=officer, case=case, to_market=liuzhou_market, reason="申请人在柳州务工"
    )

    # Every officer of the receiving market may accept it, so each may look at it first.
    for receiver in (liuzhou_officer, liuzhou_colleague):
        assert sees(receiver, case)
        assert case_get_visible(user=fresh(receiver), pk=case.pk) == case
    assert sees(officer, case)
    assert not sees(guilin_officer, case)

    case_transfer_decline(actor=liuzhou_colleague, transfer=transfer, reason="不受理")
    assert not sees(liuzhou_officer, case)
    assert sees(officer, case)


def test_declined_transfer_goes_back_to_the_sender_and_tells_the_first_contact_officer(
    officer: User,
    team_lead: User,
    colleague: User,
    liuzhou_officer: User,
    guilin_officer: User,
    nanning_market: Market,
    liuzhou_market: Market,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    case = case_make(officer)  # officer is the first-contact officer
    case_reassign(actor=team_lead, case=case, to_user=colleague)
    transfer = case_transfer(
        actor=colleague,
        case=case,
        to_market=liuzhou_market,
        to_user=liuzhou_officer,
        reason="申请人在柳州务工",
    )
    # Sender, receiver and first-contact officer all see the pending case.
    assert sees(colleague, case)
    assert sees(liuzhou_officer, case)
    assert sees(officer, case)
    assert not sees(guilin_officer, case)
    mark = audit_mark()

    with django_capture_on_commit_callbacks(execute=True):
        returned = case_transfer_decline(
            actor=liuzhou_officer, transfer=transfer, reason=" 不属于本市场业务 "
        )

    assert returned.state == State.IN_PROGRESS
    case.refresh_from_db()
    assert (case.state, case.owner, case.first_contact_officer, case.market) == (
        State.IN_PROGRESS,
        colleague,
        officer,
        nanning_market,
    )
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by, transfer.decline_reason) == (
        Transfer.Status.DECLINED,
        liuzhou_officer,
        "不属于本市场业务",
    )
    assert transfer.decided_at is not None
    assert trail(mark) == [
        case_row(
            "case.transfer_declined",
            actor=liuzhou_officer,
            case=case,
            state=State.IN_PROGRESS,
            keys=("reason",),
        )
    ]
    # The first-contact officer and the sender are each told once, with the reason.
    for user in (officer, colleague):
        assert len(notified(user)) == 1
        assert case.reference in notified(user)[0]
        assert "不属于本市场业务" in notified(user)[0]
    assert sees(officer, case)
    assert sees(colleague, case)
    assert not sees(liuzhou_officer, case)


@pytest.mark.parametrize("addressed_to", ["officer", "market"])
def test_accepted_market_transfer_gives_the_case_to_the_receiver_and_its_market(
    addressed_to: str,
    officer: User,
    colleague: User,
    liuzhou_officer: User,
    nanning_market: Market,
    liuzhou_market: Market,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    case = case_make(officer)
    transfer = case_transfer(
        actor=officer,
        case=case,
        to_market=liuzhou_market,
        to_user=liuzhou_officer if addressed_to == "officer" else None,
        reason="申请人在柳州务工",
    )
    mark = audit_mark()

    with django_capture_on_commit_callbacks(execute=True):
        case_transfer_accept(actor=fresh(liuzhou_officer), transfer=transfer)

    case.refresh_from_db()
    assert (case.state, case.owner, case.first_contact_officer, case.market) == (
        State.IN_PROGRESS,
        liuzhou_officer,
        officer,
        liuzhou_market,
    )
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by) == (Transfer.Status.ACCEPTED, liuzhou_officer)
    assert trail(mark) == [
        case_row(
            "case.transfer_accepted",
            actor=liuzhou_officer,
            case=case,
            market=liuzhou_market,  # the event belongs to the market that has the case now
            state=State.IN_PROGRESS,
            keys=("from_user_id",),
        )
    ]
    # The sender is the first-contact officer: told once, not twice.
    assert len(notified(officer)) == 1
    assert case.reference in notified(officer)[0]
    # The first-contact officer follows the case to the other market; the old market does not.
    assert sees(officer, case)
    assert sees(liuzhou_officer, case)
    assert not sees(colleague, case)


def test_accepted_transfer_to_an_officer_of_the_same_market_keeps_the_market(
    officer: User,
    colleague: User,
    nanning_market: Market,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    case = case_make(officer)
    transfer = case_transfer(
        actor=officer, case=case, to_market=nanning_market, to_user=colleague, reason="专人办理"
    )
    with django_capture_on_commit_callbacks(execute=True):
        case_transfer_accept(actor=colleague, transfer=transfer)

    case.refresh_from_db()
    assert (case.state, case.owner, case.first_contact_officer, case.market) == (
        State.IN_PROGRESS,
        colleague,
        officer,
        nanning_market,
    )
    assert len(notified(officer)) == 1


@pytest.mark.parametrize("first", ["accept", "decline"])
@pytest.mark.parametrize("second", ["accept", "decline"])
def test_a_second_decision_on_the_same_transfer_is_refused(
    first: str,
    second: str,
    officer: User,
    liuzhou_officer: User,
    liuzhou_market: Market,
) -> None:
    case = case_make(officer)
    transfer = case_transfer(
        actor=officer,
        case=case,
        to_market=liuzhou_market,
        to_user=liuzhou_officer,
        reason="申请人在柳州务工",
    )

    def decide(verb: str) -> Case:
        if verb == "accept":
            return case_transfer_accept(actor=liuzhou_officer, transfer=transfer)
        return case_transfer_decline(actor=liuzhou_officer, transfer=transfer, reason="不受理")

    decide(first)
    before = case_state(case)
    decided = Transfer.objects.get(pk=transfer.pk)

    with pytest.raises(CaseActionError):
        decide(second)

    assert case_state(case) == before
    again = Transfer.objects.get(pk=transfer.pk)
    assert (again.status, again.decided_at, again.decline_reason) == (
        decided.status,
        decided.decided_at,
        decided.decline_reason,
    )


def test_a_third_party_cannot_decide_a_transfer(
    officer: User,
    colleague: User,
    liuzhou_officer: User,
    liuzhou_colleague: User,
    liuzhou_lead: User,
    guilin_officer: User,
    liuzhou_market: Market,
) -> None:
    case = case_make(officer)
    transfer = case_transfer(
        actor=officer,
        case=case,
        to_market=liuzhou_market,
        to_user=liuzhou_officer,
        reason="申请人在柳州务工",
    )
    before = case_state(case)

    # Neither a stranger, nor the sender's colleague, nor another officer of the receiving
    # market when the transfer names an officer.
    for outsider in (guilin_officer, colleague, liuzhou_colleague):
        with pytest.raises(PermissionDenied):
            case_transfer_accept(actor=outsider, transfer=transfer)
        with pytest.raises(PermissionDenied):
            case_transfer_decline(actor=outsider, transfer=transfer, reason="不受理")
    assert case_state(case) == before
    assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.PENDING

    # The receiving market's team lead may decide for the officer.
    case_transfer_accept(actor=liuzhou_lead, transfer=transfer)
    case.refresh_from_db()
    assert (case.owner, case.market) == (liuzhou_lead, liuzhou_market)


def test_transfer_to_the_same_owner_or_market_is_refused(
    officer: User,
    liuzhou_officer: User,
    nanning_market: Market,
    liuzhou_market: Market,
) -> None:
    case = case_make(officer)
    before = case_state(case)

    with pytest.raises(ValidationError) as same_owner:
        case_transfer(
            actor=officer, case=case, to_market=nanning_market, to_user=officer, reason="转办"
        )
    assert "to_user" in same_owner.value.message_dict
    with pytest.raises(ValidationError) as same_market:
        case_transfer(actor=officer, case=case, to_market=nanning_market, reason="转办")
    assert "to_market" in same_market.value.message_dict
    with pytest.raises(ValidationError) as wrong_market:
        case_transfer(
            actor=officer,
            case=case,
            to_market=nanning_market,
            to_user=liuzhou_officer,
            reason="转办",
        )
    assert "to_user" in wrong_market.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        case_transfer(actor=officer, case=case, to_market=liuzhou_market, reason=" ")
    assert "reason" in no_reason.value.message_dict

    assert case_state(case) == before
    assert not Transfer.objects.filter(case=case).exists()


def test_a_case_being_transferred_cannot_be_transferred_again(
    officer: User,
    liuzhou_officer: User,
    liuzhou_market: Market,
    guilin_officer: User,
) -> None:
    case = case_make(officer)
    case_transfer(
        actor=officer,
        case=case,
        to_market=liuzhou_market,
        to_user=liuzhou_officer,
        reason="申请人在柳州务工",
    )
    before = case_state(case)
    guilin_market = Market.objects.get(region__code="450300")

    with pytest.raises(CaseActionError):
        case_transfer(
            actor=officer,
            case=case,
            to_market=guilin_market,
            to_user=guilin_officer,
            reason="改转桂林",
        )

    assert case_state(case) == before
    assert Transfer.objects.filter(case=case).count() == 1


def test_the_receiving_team_lead_sees_and_may_decide_a_transfer_to_one_of_their_officers(
    officer: User,
    liuzhou_market: Market,
    liuzhou_officer: User,
    liuzhou_colleague: User,
    liuzhou_lead: User,
) -> None:
    case = case_make(officer)
    transfer = case_transfer(
        actor=officer,
        case=case,
        to_market=liuzhou_market,
        to_user=liuzhou_officer,
        reason="申请人常住柳州",
    )

    assert sees(liuzhou_lead, case)
    assert list(transfer_list_waiting_for(user=liuzhou_lead)) == [transfer]
    assert not sees(liuzhou_colleague, case)  # addressed to a named officer, not the team
    assert list(transfer_list_waiting_for(user=liuzhou_colleague)) == []

    accepted = case_transfer_accept(actor=liuzhou_lead, transfer=transfer)
    assert (accepted.owner, accepted.market) == (liuzhou_lead, liuzhou_market)


def test_an_accepted_market_transfer_takes_the_cases_clocks_along(
    officer: User, liuzhou_market: Market, liuzhou_officer: User
) -> None:
    case = case_make(officer)
    transfer = case_transfer(
        actor=officer, case=case, to_market=liuzhou_market, reason="申请人常住柳州"
    )
    due_before = dict(Deadline.objects.filter(subject_id=case.pk).values_list("target", "due_at"))

    case_transfer_accept(actor=liuzhou_officer, transfer=transfer)

    deadlines = Deadline.objects.filter(subject_type="cases.case", subject_id=case.pk)
    assert {d.market_id for d in deadlines} == {liuzhou_market.pk}
    assert {d.target: d.due_at for d in deadlines} == due_before


def test_the_transfers_waiting_for_an_officer_are_read_oldest_first_from_the_pending_ones(
    officer: User, liuzhou_market: Market, liuzhou_officer: User
) -> None:
    """For the officer, or for the officer's market team: the pending transfers in the order
    the workbench lists them, read until the page is full, not every pending transfer of the
    team sorted (the either-or of the two addressees reads neither addressee index in order)."""
    model = case_make(officer)
    cases = Case.objects.bulk_create(
        Case(
            reference=f"BULK-{n:05d}",
            kind=model.kind,
            state=State.IN_PROGRESS,
            market=model.market,
            channel=model.channel,
            applicant=model.applicant,
            subject=f"转办{n}",
            first_contact_officer=officer,
            owner=officer,
        )
        for n in range(3000)
    )
    Transfer.objects.bulk_create(
        Transfer(
            case=case,
            from_user=officer,
            # Two in three to other teams, as in a province; the rest to this officer's team.
            to_market=liuzhou_market if n % 3 else model.market,
            reason="批量",
            created_at=model.opened_at + timedelta(minutes=n),
        )
        for n, case in enumerate(cases)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    waiting = transfer_list_waiting_for(user=liuzhou_officer)
    plan = waiting.values("pk")[:25].explain()

    assert "transfer_pending_oldest" in plan, plan
    assert [t.case.subject for t in waiting[:3]] == ["转办1", "转办2", "转办4"]
