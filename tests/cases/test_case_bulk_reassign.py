"""A team lead gives several cases at once to one colleague of the market (an officer off
sick): all or none, one audit event per case that changes hands, and, on real PostgreSQL,
two leads reassigning overlapping selections at the same moment wait for each other."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from case_support import audit_mark, case_state, market_make, staff_make, trail
from conftest import case_make
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation

from accounts.models import User
from cases.models import Case, State
from cases.services import CaseActionError, case_bulk_reassign
from markets.models import Market, Role
from notifications.models import Notification


def _closed(case: Case) -> Case:
    Case.objects.filter(pk=case.pk).update(state=State.CLOSED)
    case.refresh_from_db()
    return case


@pytest.mark.django_db
def test_the_lead_gives_the_cases_to_a_colleague_with_one_event_each(
    officer: User,
    team_lead: User,
    nanning_market: Market,
    django_capture_on_commit_callbacks: Any,
) -> None:
    colleague = staff_make("colleague", Role.OFFICER, nanning_market)
    cases = [case_make(officer, subject=f"咨询{n}") for n in range(3)]
    mark = audit_mark()

    with django_capture_on_commit_callbacks(execute=True):
        done = case_bulk_reassign(
            actor=team_lead,
            market_id=nanning_market.pk,
            case_ids=[case.pk for case in cases],
            to_user=colleague,
        )

    assert [case.pk for case in done.reassigned] == sorted(case.pk for case in cases)
    assert done.unchanged == []
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("owner", flat=True)
    ) == {colleague.pk}
    rows = trail(mark)
    assert [(row.action, row.actor) for row in rows] == [("case.reassigned", team_lead.pk)] * 3
    assert sorted(row.target for row in rows) == sorted(f"cases.case:{case.pk}" for case in cases)
    assert Notification.objects.filter(recipient=colleague).count() == 3


@pytest.mark.django_db
def test_a_case_already_with_the_colleague_is_left_alone(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    mine, theirs = case_make(officer), case_make(team_lead)
    mark = audit_mark()

    done = case_bulk_reassign(
        actor=team_lead,
        market_id=nanning_market.pk,
        case_ids=[mine.pk, theirs.pk],
        to_user=team_lead,
    )

    assert [c.pk for c in done.reassigned] == [mine.pk]
    assert [c.pk for c in done.unchanged] == [theirs.pk]
    assert [row.action for row in trail(mark)] == ["case.reassigned"]


@pytest.mark.django_db
def test_a_colleague_of_another_market_is_refused_and_nothing_changes(
    officer: User, team_lead: User, nanning_market: Market, liuzhou: object
) -> None:
    stranger = staff_make("stranger", Role.OFFICER, market_make("450200", "柳州市"))
    case = case_make(officer)
    before = case_state(case)

    with pytest.raises(ValidationError) as refused, translation.override("en"):
        case_bulk_reassign(
            actor=team_lead, market_id=nanning_market.pk, case_ids=[case.pk], to_user=stranger
        )

    assert "does not work in this market" in str(refused.value)
    assert case_state(case) == before


@pytest.mark.django_db
def test_a_case_of_another_market_spoils_the_whole_batch_without_naming_it(
    officer: User, team_lead: User, nanning_market: Market, liuzhou: object
) -> None:
    other = market_make("450200", "柳州市")
    foreign = case_make(staff_make("liuzhou_officer", Role.OFFICER, other), market=other)
    ours = case_make(officer)
    before = case_state(ours)

    with pytest.raises(CaseActionError) as refused, translation.override("en"):
        case_bulk_reassign(
            actor=team_lead,
            market_id=nanning_market.pk,
            case_ids=[ours.pk, foreign.pk],
            to_user=team_lead,
        )

    assert "1 of the selected cases is not a case of this market" in str(refused.value)
    assert foreign.reference not in str(refused.value)
    assert case_state(ours) == before
    assert Case.objects.get(pk=foreign.pk).owner_id == foreign.owner_id


@pytest.mark.django_db
def test_a_closed_case_is_named_and_nothing_is_reassigned(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    closed = _closed(case_make(officer, subject="已办结"))
    open_case = case_make(officer)
    before = case_state(open_case)

    with pytest.raises(CaseActionError) as refused:
        case_bulk_reassign(
            actor=team_lead,
            market_id=nanning_market.pk,
            case_ids=[closed.pk, open_case.pk],
            to_user=team_lead,
        )

    assert closed.reference in str(refused.value)
    assert case_state(open_case) == before


@pytest.mark.django_db
def test_an_officer_may_not_bulk_reassign(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    case = case_make(officer)
    before = case_state(case)

    with pytest.raises(PermissionDenied):
        case_bulk_reassign(
            actor=officer, market_id=nanning_market.pk, case_ids=[case.pk], to_user=team_lead
        )

    assert case_state(case) == before


LEADS = 2


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks (SELECT … FOR UPDATE) and real concurrent connections: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_leads_reassigning_overlapping_cases_at_once_never_deadlock(
    nanning_market: Market,
) -> None:
    opener = staff_make("opener", Role.OFFICER, nanning_market)
    leads = [staff_make(f"lead{n}", Role.TEAM_LEAD, nanning_market) for n in range(LEADS)]
    cases = [case_make(opener, subject=f"咨询{n}") for n in range(6)]
    ids = [case.pk for case in cases]
    # Opposite orders: without locking in id order, each would hold what the other waits for.
    selections = [ids, ids[::-1]]
    mark = audit_mark()
    start = threading.Barrier(LEADS)
    done: list[int] = []
    errors: list[BaseException] = []

    def reassign(n: int) -> None:
        try:
            actor = User.objects.get(pk=leads[n].pk)
            start.wait(timeout=30)
            case_bulk_reassign(
                actor=actor, market_id=nanning_market.pk, case_ids=selections[n], to_user=actor
            )
            done.append(n)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=reassign, args=(n,)) for n in range(LEADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(done) == [0, 1]
    owners = set(Case.objects.filter(pk__in=ids).values_list("owner_id", flat=True))
    # The one that went second holds every case: the batches did not interleave.
    assert len(owners) == 1
    rows = trail(mark)
    assert len(rows) == 2 * len(ids)
    assert {row.actor for row in rows[len(ids) :]} == owners
