"""Notes on a case: written by the owner, the market's team lead or the first-contact officer
(who follows the case even into another market), and recorded."""

from __future__ import annotations

import pytest
from case_support import audit_mark, case_row, fresh, market_make, staff_make, trail
from conftest import case_make
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from cases.models import CaseNote, State
from cases.services import case_note_add, case_transfer, case_transfer_accept
from markets.models import Market, Region, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def liuzhou_market(guangxi: Region) -> Market:
    return market_make("450200", "柳州市")


@pytest.fixture
def liuzhou_officer(liuzhou_market: Market) -> User:
    return staff_make("liuzhou_officer", Role.OFFICER, liuzhou_market)


def test_the_owner_adds_a_note_and_it_is_recorded(officer: User) -> None:
    case = case_make(officer)
    mark = audit_mark()

    note = case_note_add(actor=officer, case=case, text="  申请人下午再来  ")

    assert (note.case, note.author, note.text) == (case, officer, "申请人下午再来")
    assert list(case.notes.all()) == [note]
    assert note.history.get().history_user == officer
    assert trail(mark) == [
        case_row("case.note_added", actor=officer, case=case, state=State.IN_PROGRESS)
    ]


def test_the_first_contact_officer_adds_a_note_after_the_case_moved_to_another_market(
    officer: User, liuzhou_officer: User, liuzhou_market: Market
) -> None:
    case = case_make(officer)
    transfer = case_transfer(
        actor=officer,
        case=case,
        to_market=liuzhou_market,
        to_user=liuzhou_officer,
        reason="申请人在柳州务工",
    )
    case = case_transfer_accept(actor=liuzhou_officer, transfer=transfer)
    assert (case.owner, case.market) == (liuzhou_officer, liuzhou_market)
    mark = audit_mark()

    note = case_note_add(actor=fresh(officer), case=case, text="申请人曾在南宁咨询过")
    case_note_add(actor=liuzhou_officer, case=case, text="已联系申请人")

    assert note.author == officer
    assert [n.author for n in case.notes.all()] == [officer, liuzhou_officer]
    assert trail(mark) == [
        case_row(
            "case.note_added",
            actor=user,
            case=case,
            market=liuzhou_market,
            state=State.IN_PROGRESS,
        )
        for user in (officer, liuzhou_officer)
    ]


def test_an_officer_of_another_market_may_not_add_a_note(
    officer: User, liuzhou_officer: User
) -> None:
    case = case_make(officer)
    mark = audit_mark()

    with pytest.raises(PermissionDenied):
        case_note_add(actor=liuzhou_officer, case=case, text="路过看看")

    assert not CaseNote.objects.exists()
    assert trail(mark) == []


@pytest.mark.parametrize("text", ["", "  \n "])
def test_an_empty_note_is_refused(officer: User, text: str) -> None:
    case = case_make(officer)
    mark = audit_mark()

    with pytest.raises(ValidationError) as refused:
        case_note_add(actor=officer, case=case, text=text)

    assert set(refused.value.message_dict) == {"text"}
    assert not CaseNote.objects.exists()
    assert trail(mark) == []
