"""Claiming an unowned case: one officer takes it, a second claim is refused, also when both
arrive at the same moment on real PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from case_support import audit_mark, case_new, case_row, case_state, staff_make, trail
from django.db import connection

from accounts.models import User
from cases.models import Case, State
from cases.services import CaseActionError, case_claim
from markets.models import Market, Role


@pytest.mark.django_db
def test_an_officer_of_the_market_claims_a_new_case(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    case = case_new(team_lead)
    mark = audit_mark()

    claimed = case_claim(actor=officer, case=case)

    assert claimed.state == State.IN_PROGRESS
    case.refresh_from_db()
    assert (case.state, case.owner, case.first_contact_officer) == (
        State.IN_PROGRESS,
        officer,
        team_lead,
    )
    assert trail(mark) == [
        case_row("case.claimed", actor=officer, case=case, state=State.IN_PROGRESS)
    ]


@pytest.mark.django_db
def test_second_claim_of_same_case_is_refused(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    case = case_new(team_lead)
    case_claim(actor=officer, case=case)
    before = case_state(case)

    with pytest.raises(CaseActionError) as refused:
        case_claim(actor=team_lead, case=case)  # a stale instance: still NEW in memory

    assert case.reference in str(refused.value)
    assert case_state(case) == before
    assert Case.objects.get(pk=case.pk).owner == officer


CLAIMANTS = 2


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks (SELECT … FOR UPDATE) and real concurrent connections: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claims_of_one_new_case_have_exactly_one_winner(
    nanning_market: Market,
) -> None:
    opener = staff_make("opener", Role.OFFICER, nanning_market)
    claimants = [staff_make(f"claimant{n}", Role.OFFICER, nanning_market) for n in range(2)]
    case = case_new(opener)
    mark = audit_mark()
    start = threading.Barrier(CLAIMANTS)
    won: list[int] = []
    refused: list[CaseActionError] = []
    errors: list[BaseException] = []

    def claim(actor_pk: int) -> None:
        try:
            actor = User.objects.get(pk=actor_pk)
            stale = Case.objects.get(pk=case.pk)  # read before the race: NEW for both
            start.wait(timeout=30)
            case_claim(actor=actor, case=stale)
            won.append(actor_pk)
        except CaseActionError as error:
            refused.append(error)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=claim, args=(user.pk,)) for user in claimants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(won) == 1
    assert len(refused) == 1
    assert case.reference in str(refused[0])
    winner = User.objects.get(pk=won[0])
    case.refresh_from_db()
    assert (case.state, case.owner, case.first_contact_officer, case.market) == (
        State.IN_PROGRESS,
        winner,
        opener,
        nanning_market,
    )
    assert trail(mark) == [
        case_row("case.claimed", actor=winner, case=case, state=State.IN_PROGRESS)
    ]
    # One history row for the opening, one for the winning claim; none for the refused one.
    history = case.history.order_by("history_id")
    assert [(h.state, h.owner_id) for h in history] == [
        (State.IN_PROGRESS, opener.pk),
        (State.IN_PROGRESS, winner.pk),
    ]
