"""The clocks of a case (限时办结): started when it is opened, standing still while the applicant
gathers materials, stopped when it is resolved, going on when it is reopened. Every move of a
due time is recorded with its reason.

The seeded policy of a policy consultation: accepted the same working day, answered within 5
working days, paused in ``awaiting_materials``. The market works 08:30–12:00 and 14:30–17:30.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from conftest import case_make
from sla_support import (
    alerts_of,
    at,
    deadline_of,
    materials_receive,
    materials_request,
    staff_make,
)

from accounts.models import User
from cases.services import case_reopen, case_resolve
from markets.models import Market, Role
from notifications.models import Notification
from sla import calendar as cal
from sla.models import CalendarDay, CalendarGapAlert, CalendarYear, DeadlineChange, Level, Target
from sla.selectors import market_hours, overrides_for

WORKING_DAY = timedelta(hours=6, minutes=30)


def _last_change(deadline_pk: int) -> DeadlineChange:
    change = DeadlineChange.objects.filter(deadline_id=deadline_pk).last()
    assert change is not None
    return change


# --- Starting ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_case_opened_at_nine_on_monday_is_due_at_closing_time_five_working_days_later(
    officer: User, frozen_time: time_machine.Traveller
) -> None:
    frozen_time.move_to(at(2026, 3, 2, 9))

    case = case_make(officer)

    completion = deadline_of(case)
    assert completion.started_at == at(2026, 3, 2, 9)
    assert completion.due_at == at(2026, 3, 9, 17, 30)  # Monday a week later, closing time
    assert (completion.estimated, completion.paused_total) == (False, timedelta(0))
    assert completion.stopped_at is None
    # Warned when 75 % of the 38.5 working hours are used: Friday morning, not a weekend night.
    assert completion.warn_at == at(2026, 3, 6, 11, 52, 30)
    assert completion.escalate_at == at(2026, 3, 11, 17, 30)  # 2 working days after the breach
    assert alerts_of(completion) == [
        (Level.WARNING, completion.warn_at),
        (Level.BREACH, completion.due_at),
        (Level.ESCALATION, completion.escalate_at),
    ]
    [started] = completion.changes.all()
    assert (started.old_due_at, started.new_due_at, started.reason) == (
        None,
        completion.due_at,
        "started",
    )


@pytest.mark.django_db
def test_a_case_taken_in_at_the_counter_has_met_its_acceptance_target(
    officer: User, frozen_time: time_machine.Traveller
) -> None:
    frozen_time.move_to(at(2026, 3, 2, 9))

    case = case_make(officer)

    acceptance = deadline_of(case, Target.ACCEPTANCE)
    assert acceptance.due_at == at(2026, 3, 2, 17, 30)  # the same working day
    assert (acceptance.stopped_at, acceptance.met) == (at(2026, 3, 2, 9), True)
    assert alerts_of(acceptance) == []


@pytest.mark.django_db
def test_a_day_the_market_is_closed_does_not_count(
    officer: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    CalendarDay.objects.create(
        day=date(2026, 3, 4), market=nanning_market, is_working_day=False, reason="停电检修"
    )
    frozen_time.move_to(at(2026, 3, 2, 9))

    case = case_make(officer)

    assert deadline_of(case).due_at == at(2026, 3, 10, 17, 30)


@pytest.mark.django_db
def test_a_statutory_holiday_does_not_count(
    officer: User, frozen_time: time_machine.Traveller
) -> None:
    frozen_time.move_to(at(2026, 4, 2, 9))  # Thursday; Monday 6 April is Qingming

    case = case_make(officer)

    assert deadline_of(case).due_at == at(2026, 4, 10, 17, 30)


# --- Pausing and resuming ---------------------------------------------------------------------


@pytest.mark.django_db
def test_waiting_for_materials_pauses_the_clock_and_receiving_them_moves_the_due_time(
    officer: User, frozen_time: time_machine.Traveller
) -> None:
    frozen_time.move_to(at(2026, 3, 2, 9))
    case = case_make(officer)
    due = deadline_of(case).due_at

    frozen_time.move_to(at(2026, 3, 2, 10))
    items = materials_request(officer, case)

    paused = deadline_of(case)
    assert (paused.paused_at, paused.due_at, alerts_of(paused)) == (
        at(2026, 3, 2, 10),
        due,
        [],
    )
    change = _last_change(paused.pk)
    assert (change.at, change.old_due_at, change.new_due_at, change.actor) == (
        at(2026, 3, 2, 10),
        due,
        None,
        officer,
    )
    assert change.reason == "paused: awaiting_materials"

    frozen_time.move_to(at(2026, 3, 3, 15))
    case = materials_receive(officer, case, items[:1])  # one item is still missing
    assert deadline_of(case).paused_at == at(2026, 3, 2, 10)

    frozen_time.move_to(at(2026, 3, 4, 10))  # two working days after the pause
    materials_receive(officer, case, items[1:])

    resumed = deadline_of(case)
    assert resumed.paused_at is None
    assert resumed.paused_total == 2 * WORKING_DAY
    assert resumed.due_at == at(2026, 3, 11, 17, 30)
    hours, overrides = market_hours(resumed.market), overrides_for(resumed.market)
    assert cal.working_time_between(due, resumed.due_at, hours, overrides) == 2 * WORKING_DAY
    assert resumed.warn_at > at(2026, 3, 4, 10)
    assert alerts_of(resumed) == [
        (Level.WARNING, resumed.warn_at),
        (Level.BREACH, resumed.due_at),
        (Level.ESCALATION, resumed.escalate_at),
    ]
    change = _last_change(resumed.pk)
    assert (change.at, change.old_due_at, change.new_due_at, change.reason) == (
        at(2026, 3, 4, 10),
        due,
        resumed.due_at,
        "resumed",
    )
    assert deadline_of(case, Target.ACCEPTANCE).changes.count() == 1  # stopped: left alone


@pytest.mark.django_db
def test_a_pause_over_a_weekend_and_a_holiday_counts_only_the_working_time(
    officer: User, frozen_time: time_machine.Traveller
) -> None:
    frozen_time.move_to(at(2026, 4, 2, 9))  # Thursday
    case = case_make(officer)
    frozen_time.move_to(at(2026, 4, 3, 9))  # Friday
    items = materials_request(officer, case)

    frozen_time.move_to(at(2026, 4, 7, 9))  # Tuesday, after the weekend and Qingming
    materials_receive(officer, case, items)

    deadline = deadline_of(case)
    # Friday 09:00–17:30 (6 h) and Tuesday 08:30–09:00: one working day.
    assert deadline.paused_total == WORKING_DAY
    assert deadline.due_at == at(2026, 4, 13, 17, 30)  # from Friday 10 April


# --- Stopping and reopening -------------------------------------------------------------------


@pytest.mark.django_db
def test_resolving_in_time_stops_the_clock_as_met(
    officer: User, frozen_time: time_machine.Traveller
) -> None:
    frozen_time.move_to(at(2026, 3, 2, 9))
    case = case_make(officer)
    frozen_time.move_to(at(2026, 3, 9, 17, 30))  # the last moment

    case_resolve(actor=officer, case=case, outcome="已答复")

    deadline = deadline_of(case)
    assert (deadline.stopped_at, deadline.met) == (at(2026, 3, 9, 17, 30), True)
    assert alerts_of(deadline) == []


@pytest.mark.django_db
def test_resolving_late_stops_the_clock_as_missed(
    officer: User, frozen_time: time_machine.Traveller
) -> None:
    frozen_time.move_to(at(2026, 3, 2, 9))
    case = case_make(officer)
    frozen_time.move_to(at(2026, 3, 10, 9))

    case_resolve(actor=officer, case=case, outcome="已答复")

    deadline = deadline_of(case)
    assert (deadline.stopped_at, deadline.met) == (at(2026, 3, 10, 9), False)
    assert alerts_of(deadline) == []


@pytest.mark.django_db
def test_reopening_runs_the_completion_clock_on_with_the_stopped_time_as_paused(
    officer: User, team_lead: User, frozen_time: time_machine.Traveller
) -> None:
    frozen_time.move_to(at(2026, 3, 2, 9))
    case = case_make(officer)
    frozen_time.move_to(at(2026, 3, 3, 10))
    case = case_resolve(actor=officer, case=case, outcome="已答复")

    frozen_time.move_to(at(2026, 3, 5, 10))  # two working days later
    case_reopen(actor=team_lead, case=case, reason="申请人补充了诉求")

    deadline = deadline_of(case)
    assert (deadline.stopped_at, deadline.met) == (None, None)
    assert deadline.paused_total == 2 * WORKING_DAY
    assert deadline.due_at == at(2026, 3, 11, 17, 30)
    assert alerts_of(deadline)[0] == (Level.WARNING, deadline.warn_at)
    change = _last_change(deadline.pk)
    assert (change.old_due_at, change.new_due_at, change.reason, change.actor) == (
        at(2026, 3, 9, 17, 30),
        deadline.due_at,
        "reopened",
        team_lead,
    )
    acceptance = deadline_of(case, Target.ACCEPTANCE)
    assert (acceptance.stopped_at, acceptance.met) == (at(2026, 3, 2, 9), True)


# --- A year the calendar does not know --------------------------------------------------------


@pytest.mark.django_db
def test_a_due_time_in_an_unknown_year_is_estimated_and_the_administrators_told_once(
    officer: User,
    system_admin: User,
    frozen_time: time_machine.Traveller,
    django_capture_on_commit_callbacks: object,
) -> None:
    other_admin = staff_make("sysadmin2", Role.SYSTEM_ADMIN)
    frozen_time.move_to(at(2026, 12, 28, 9))  # Monday; 2027 is unknown to chinesecalendar

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        cases = [case_make(officer, subject=f"政策咨询 {n}") for n in range(3)]

    for case in cases:
        deadline = deadline_of(case)
        assert deadline.estimated is True
        # Friday 1 January 2027 is taken for a working day: Monday to Friday.
        assert deadline.due_at == at(2027, 1, 4, 17, 30)
    assert list(CalendarGapAlert.objects.values_list("year", flat=True)) == [2027]
    for admin in (system_admin, other_admin):
        [told] = Notification.objects.filter(recipient=admin)
        assert "2027" in told.text
        assert told.link == "/admin/sla/"
    assert not Notification.objects.filter(recipient=officer).exists()


@pytest.mark.django_db
def test_once_the_year_is_entered_its_due_times_are_no_longer_estimated(
    officer: User, frozen_time: time_machine.Traveller
) -> None:
    CalendarYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
    CalendarDay.objects.create(day=date(2027, 1, 1), is_working_day=False, reason="元旦")
    frozen_time.move_to(at(2026, 12, 28, 9))

    case = case_make(officer)

    deadline = deadline_of(case)
    assert deadline.estimated is False
    assert deadline.due_at == at(2027, 1, 5, 17, 30)
    assert not CalendarGapAlert.objects.exists()
