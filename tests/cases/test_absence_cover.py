"""Absence cover (AB岗) in the case engine: while an officer is away, new transfers to them go
to their deputy (decided when the transfer is made, and said in its audit event), and so do
the reminders and notifications about their cases; the deputy may work on their cases and
sees them in a list of their own. Nothing is reassigned: when the absence ends (on its last
day, or ended early), everything reaches the officer again."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from absence_support import away, colleague
from case_support import audit_mark, fresh, market_make
from conftest import SHANGHAI, case_make
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case, State, Transfer
from cases.reminders import case_deadline_reached
from cases.selectors import case_list_covered
from cases.services import (
    case_reassign,
    case_resolve,
    case_transfer,
    case_transfer_accept,
)
from markets.absences import absence_end
from markets.models import Market, Region, Role
from notifications.models import Notification
from sla.models import Deadline, Level, Target

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The refusals read in English here; the pages show them in both languages."""
    with translation.override("en"):
        yield


CaptureCallbacks = Callable[..., Any]
# The case of these tests: opened Monday 2 March 2026 09:00, warned Friday 6 March 11:52:30,
# due Monday 9 March 17:30 (tests/sla/test_sweep.py). The absence: Monday 2 to Friday 6 March.


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def deadline_of(case: Case) -> Deadline:
    return Deadline.objects.get(
        subject_type="cases.case", subject_id=case.pk, target=Target.COMPLETION
    )


WARN_AT = at(2026, 3, 6, 11, 52, 30)
DUE_AT = at(2026, 3, 9, 17, 30)


@pytest.fixture
def lead(nanning_market: Market, frozen_time: time_machine.Traveller) -> User:
    return colleague("lead", nanning_market, Role.TEAM_LEAD)


@pytest.fixture
def zhang(nanning_market: Market) -> User:
    """The officer who will be away."""
    return colleague("zhang", nanning_market)


@pytest.fixture
def li(nanning_market: Market) -> User:
    """Zhang's deputy."""
    return colleague("li", nanning_market)


@pytest.fixture
def sender(nanning_market: Market) -> User:
    return colleague("sender", nanning_market)


def _bell(user: User) -> list[tuple[str, dict[str, Any]]]:
    return [(n.message, n.params) for n in Notification.objects.filter(recipient=user)]


def _transfer_event(case: Case) -> AuditEvent:
    return AuditEvent.objects.get(
        action="case.transferred", target_type="cases.case", target_id=str(case.pk)
    )


# --- Transfers ----------------------------------------------------------------------------------


def test_a_transfer_to_an_absent_officer_goes_to_the_deputy_and_says_so(
    lead: User,
    zhang: User,
    li: User,
    sender: User,
    nanning_market: Market,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    absence = away(lead, zhang, li, start=0, end=4)
    case = case_make(sender)

    with django_capture_on_commit_callbacks(execute=True):
        transfer = case_transfer(
            actor=sender, case=case, to_market=nanning_market, to_user=zhang, reason="请接办"
        )

    assert transfer.to_user == li
    assert Transfer.objects.get().to_user == li
    case.refresh_from_db()
    assert (case.state, case.owner) == (State.TRANSFER_PENDING, sender)
    values = _transfer_event(case).new_values
    assert values["to_user_id"] == li.pk
    assert (values["meant_for_user_id"], values["meant_for"]) == (zhang.pk, "zhang")
    assert (values["absence_id"], values["absence_ends_on"]) == (absence.pk, "2026-03-06")
    assert _bell(li) == [
        (
            "cases.transferred.covering",
            {"reference": case.reference, "subject": case.subject, "absent": "zhang"},
        )
    ]
    assert _bell(zhang) == []


def test_a_transfer_after_the_absence_is_over_goes_to_the_officer(
    lead: User,
    zhang: User,
    li: User,
    sender: User,
    nanning_market: Market,
    frozen_time: time_machine.Traveller,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    away(lead, zhang, li, start=0, end=4)
    frozen_time.move_to(at(2026, 3, 7, 9))  # Saturday: the absence ended on Friday
    case = case_make(sender)

    with django_capture_on_commit_callbacks(execute=True):
        transfer = case_transfer(
            actor=fresh(sender), case=case, to_market=nanning_market, to_user=zhang, reason="请接办"
        )

    assert transfer.to_user == zhang
    assert "meant_for" not in _transfer_event(case).new_values
    assert _bell(zhang) == [
        ("cases.transferred", {"reference": case.reference, "subject": case.subject})
    ]
    assert _bell(li) == []


def test_a_transfer_after_the_absence_was_ended_early_goes_to_the_officer(
    lead: User, zhang: User, li: User, sender: User, nanning_market: Market
) -> None:
    absence = away(lead, zhang, li, start=0, end=4)
    absence_end(actor=lead, absence=absence)
    case = case_make(sender)

    transfer = case_transfer(
        actor=sender, case=case, to_market=nanning_market, to_user=zhang, reason="请接办"
    )

    assert transfer.to_user == zhang


def test_a_transfer_before_the_absence_starts_goes_to_the_officer(
    lead: User, zhang: User, li: User, sender: User, nanning_market: Market
) -> None:
    away(lead, zhang, li, start=1, end=4)
    case = case_make(sender)

    transfer = case_transfer(
        actor=sender, case=case, to_market=nanning_market, to_user=zhang, reason="请接办"
    )

    assert transfer.to_user == zhang


def test_a_transfer_to_an_officer_away_in_another_market_goes_to_that_markets_deputy(
    sender: User, guangxi: Region, frozen_time: time_machine.Traveller
) -> None:
    liuzhou = market_make("450200", "柳州市")
    liuzhou_lead = colleague("liuzhou_lead", liuzhou, Role.TEAM_LEAD)
    absent = colleague("liuzhou_absent", liuzhou)
    deputy = colleague("liuzhou_deputy", liuzhou)
    away(liuzhou_lead, absent, deputy)
    case = case_make(sender)

    transfer = case_transfer(
        actor=sender, case=case, to_market=liuzhou, to_user=absent, reason="属地办理"
    )

    assert transfer.to_user == deputy
    assert _transfer_event(case).new_values["meant_for_user_id"] == absent.pk


def test_a_transfer_to_an_absent_officer_whose_deputy_has_the_case_is_refused(
    lead: User, zhang: User, li: User, nanning_market: Market
) -> None:
    away(lead, zhang, li)
    case = case_make(li)
    mark = audit_mark()

    with pytest.raises(ValidationError) as caught:
        case_transfer(actor=li, case=case, to_market=nanning_market, to_user=zhang, reason="x")

    assert caught.value.message_dict == {
        "to_user": ["zhang is away until 2026-03-06 and their deputy li already has the case."]
    }
    assert not Transfer.objects.exists()
    assert AuditEvent.objects.filter(pk__gt=mark).count() == 0


# --- Notifications and reminders -----------------------------------------------------------------


def test_the_acceptance_of_a_transfer_is_told_to_the_absent_first_contact_officers_deputy(
    lead: User,
    zhang: User,
    li: User,
    sender: User,
    nanning_market: Market,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    case = case_make(zhang)  # zhang is its first-contact officer
    transfer = case_transfer(
        actor=zhang, case=case, to_market=nanning_market, to_user=sender, reason="请接办"
    )
    away(lead, zhang, li)

    with django_capture_on_commit_callbacks(execute=True):
        case_transfer_accept(actor=sender, transfer=transfer)

    assert _bell(li) == [
        (
            "cases.transfer_accepted.covering",
            {"reference": case.reference, "name": "sender", "absent": "zhang"},
        )
    ]
    assert _bell(zhang) == []


def test_a_case_reassigned_to_an_absent_officer_is_told_to_the_deputy_but_stays_the_officers(
    lead: User,
    zhang: User,
    li: User,
    sender: User,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    away(lead, zhang, li)
    case = case_make(sender)

    with django_capture_on_commit_callbacks(execute=True):
        case = case_reassign(actor=lead, case=case, to_user=zhang)

    assert case.owner == zhang
    assert _bell(li) == [
        ("cases.reassigned.covering", {"reference": case.reference, "absent": "zhang"})
    ]


def _case_owned_by(owner: User, lead: User, frozen_time: time_machine.Traveller) -> Case:
    frozen_time.move_to(at(2026, 3, 2, 9))
    case: Case = case_make(owner)
    return case


def test_a_reminder_for_an_absent_officers_case_goes_to_the_deputy(
    lead: User, zhang: User, li: User, frozen_time: time_machine.Traveller
) -> None:
    case = _case_owned_by(zhang, lead, frozen_time)
    away(lead, zhang, li, start=0, end=4)
    frozen_time.move_to(WARN_AT)

    case_deadline_reached(deadline_of(case), Level.WARNING)

    [told] = Notification.objects.all()
    assert told.recipient == li
    assert told.message == "cases.due_soon.covering"
    assert told.params["absent"] == "zhang"
    assert told.params["reference"] == case.reference
    assert told.key == f"sla:{deadline_of(case).pk}:{Level.WARNING}:{li.pk}"
    assert Case.objects.get(pk=case.pk).owner == zhang  # nothing reassigned


def test_a_reminder_after_the_absence_reaches_the_officer_again(
    lead: User, zhang: User, li: User, frozen_time: time_machine.Traveller
) -> None:
    case = _case_owned_by(zhang, lead, frozen_time)
    away(lead, zhang, li, start=0, end=4)
    frozen_time.move_to(DUE_AT)  # Monday 9 March: zhang is back

    case_deadline_reached(deadline_of(case), Level.BREACH)

    told = {n.recipient.username: n.message for n in Notification.objects.all()}
    assert told == {"zhang": "cases.overdue", "lead": "cases.overdue"}


def test_an_overdue_reminder_reaches_the_deputy_once_even_when_they_are_told_themselves(
    lead: User,
    zhang: User,
    nanning_market: Market,
    sender: User,
    frozen_time: time_machine.Traveller,
) -> None:
    """The owner (zhang) and the first-contact officer (sender) are away, both covered by the
    team lead, who is told of an overdue case anyway: the lead gets one reminder, as lead."""
    frozen_time.move_to(at(2026, 3, 2, 9))
    case = case_make(sender)
    case = case_reassign(actor=lead, case=case, to_user=zhang)
    frozen_time.move_to(at(2026, 3, 9, 9))
    away(lead, zhang, lead, start=7, end=9)
    away(lead, sender, lead, start=7, end=9)
    frozen_time.move_to(DUE_AT)

    case_deadline_reached(deadline_of(case), Level.BREACH)

    assert [(n.recipient, n.message) for n in Notification.objects.all()] == [
        (lead, "cases.overdue")
    ]


# --- Working on the absent officer's cases -------------------------------------------------------


def test_the_deputy_works_on_the_absent_officers_case_which_stays_theirs(
    lead: User, zhang: User, li: User, sender: User
) -> None:
    case = case_make(zhang)
    away(lead, zhang, li)

    resolved = case_resolve(actor=fresh(li), case=case, outcome="已答复政策")

    assert (resolved.state, resolved.owner) == (State.RESOLVED, zhang)
    with pytest.raises(PermissionDenied):
        case_resolve(actor=fresh(sender), case=case_make(zhang), outcome="x")


def test_the_deputy_may_no_longer_work_on_the_case_when_the_absence_ends(
    lead: User, zhang: User, li: User, frozen_time: time_machine.Traveller
) -> None:
    case = case_make(zhang)
    away(lead, zhang, li, start=0, end=4)
    frozen_time.shift(timedelta(days=5))

    with pytest.raises(PermissionDenied):
        case_resolve(actor=fresh(li), case=case, outcome="x")
    assert list(case_list_covered(user=fresh(li), absence=zhang.absences.get())) == []


def test_the_covered_list_holds_the_absent_officers_open_cases_for_the_deputy_only(
    lead: User, zhang: User, li: User, sender: User
) -> None:
    first = case_make(zhang)
    second = case_make(zhang, subject="第二件")
    case_make(sender, subject="别人的")
    case_resolve(actor=zhang, case=case_make(zhang, subject="已办结"), outcome="好")
    absence = away(lead, zhang, li)

    assert list(case_list_covered(user=fresh(li), absence=absence)) == [first, second]
    assert list(case_list_covered(user=fresh(sender), absence=absence)) == []
