"""The sweep (every minute, Celery beat) and the delivery of what it finds (限时办结).

Each level of each deadline — due soon, overdue, escalated — becomes one Reminder, however often
or late the sweep runs; each Reminder is handed to ``sla.tasks.reminder_deliver_task`` after
the commit, and its delivery tells each person once, however often it is retried.

The case: opened Monday 2 March 2026 09:00, due Monday 9 March 17:30; warned at 75 % of the
38.5 working hours (Friday 6 March 11:52:30); escalated two working days after the breach
(Wednesday 11 March 17:30). The first-contact officer handed it to a colleague, its owner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from celery.app.task import Context
from conftest import case_make
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from sla_support import (
    alerts_of,
    at,
    deadline_of,
    materials_request,
    notifications_about,
    second_officer,
)

from accounts.models import User
from cases.models import Case
from cases.services import case_reassign, case_resolve
from markets.models import Market
from notifications.models import Notification, OutboxMessage
from sla.models import Alert, CalendarDay, Deadline, Level, Reminder
from sla.services import QUEUE_LEASE, reminder_deliver, sla_sweep
from sla.tasks import reminder_deliver_task

WARN_AT = at(2026, 3, 6, 11, 52, 30)
DUE_AT = at(2026, 3, 9, 17, 30)
ESCALATE_AT = at(2026, 3, 11, 17, 30)
SECOND = timedelta(seconds=1)
TASK = "sla.tasks.reminder_deliver_task"

OnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def send_task() -> Iterator[mock.MagicMock]:
    """What the sweep hands to the workers (by name, through the broker)."""
    with mock.patch("sla.services.current_app.send_task") as sent:
        yield sent


@pytest.fixture
def owner(nanning_market: Market) -> User:
    return second_officer(nanning_market)


@pytest.fixture
def case(officer: User, owner: User, team_lead: User, frozen_time: time_machine.Traveller) -> Case:
    frozen_time.move_to(at(2026, 3, 2, 9))
    opened: Case = case_make(officer)
    frozen_time.move_to(at(2026, 3, 2, 9, 5))
    return case_reassign(actor=team_lead, case=opened, to_user=owner)


@pytest.fixture
def deadline(case: Case) -> Deadline:
    deadline = deadline_of(case)
    assert (deadline.warn_at, deadline.due_at, deadline.escalate_at) == (
        WARN_AT,
        DUE_AT,
        ESCALATE_AT,
    )
    return deadline


def _levels(deadline: Deadline) -> list[str]:
    return list(deadline.reminders.order_by("pk").values_list("level", flat=True))


def _reminder(deadline: Deadline, level: str) -> Reminder:
    return Reminder.objects.get(deadline=deadline, level=level)


def _recipients(deadline: Deadline, level: str) -> list[User]:
    return sorted(
        (n.recipient for n in notifications_about(deadline, level)), key=lambda u: u.username
    )


# --- Creating reminders -----------------------------------------------------------------------


@pytest.mark.django_db
def test_each_level_is_created_once_at_its_time(
    deadline: Deadline, frozen_time: time_machine.Traveller
) -> None:
    expected: list[str] = []
    for moment, level in (
        (WARN_AT, Level.WARNING),
        (DUE_AT, Level.BREACH),
        (ESCALATE_AT, Level.ESCALATION),
    ):
        frozen_time.move_to(moment - SECOND)
        assert sla_sweep() == 0
        assert _levels(deadline) == expected

        frozen_time.move_to(moment)
        assert sla_sweep() == 1
        expected.append(level)
        assert _levels(deadline) == expected
        assert _reminder(deadline, level).created_at == moment

        frozen_time.move_to(moment + timedelta(minutes=1))
        assert sla_sweep() == 0
        assert _levels(deadline) == expected

    assert alerts_of(deadline) == []


@pytest.mark.django_db
def test_a_sweep_run_twice_creates_one_reminder_handed_to_the_workers_once(
    deadline: Deadline,
    frozen_time: time_machine.Traveller,
    send_task: mock.MagicMock,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    frozen_time.move_to(WARN_AT + timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        first = sla_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        second = sla_sweep()

    assert (first, second) == (1, 0)
    reminder = _reminder(deadline, Level.WARNING)
    send_task.assert_called_once_with(TASK, args=[reminder.pk])


@pytest.mark.django_db
def test_a_sweep_long_after_an_outage_creates_every_level_once(
    deadline: Deadline,
    frozen_time: time_machine.Traveller,
    send_task: mock.MagicMock,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    frozen_time.move_to(ESCALATE_AT + timedelta(days=3))  # beat and workers were down

    with django_capture_on_commit_callbacks(execute=True):
        assert sla_sweep() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_sweep() == 0

    assert _levels(deadline) == [Level.WARNING, Level.BREACH, Level.ESCALATION]
    assert send_task.call_args_list == [
        mock.call(TASK, args=[reminder.pk]) for reminder in deadline.reminders.order_by("pk")
    ]


@pytest.mark.django_db
def test_a_batch_of_due_clocks_costs_the_same_statements_however_many_it_holds(
    officer: User, frozen_time: time_machine.Traveller, send_task: mock.MagicMock
) -> None:
    """One SELECT, one DELETE of the alerts, one INSERT of the reminders, one upsert of the
    counters: the statements of a batch do not grow with its clocks. (The once-a-day pruning of
    the counters is left out: whether it runs depends on the days this process swept before.)"""

    def sweep_statements(cases: int, moment: datetime) -> tuple[int, int]:
        frozen_time.move_to(moment - timedelta(days=14))
        for _ in range(cases):
            case_make(officer)
        frozen_time.move_to(moment)
        with (
            mock.patch("sla.services._counts_prune_daily"),
            CaptureQueriesContext(connection) as queries,
        ):
            created = sla_sweep()
        Reminder.objects.update(delivered_at=moment)  # none to hand to the workers again
        return created, len(queries)

    one = sweep_statements(1, at(2026, 3, 20, 9))
    many = sweep_statements(6, at(2026, 4, 20, 9))

    # Two weeks late: each clock's warning, breach and escalation at once.
    assert (one[0], many[0]) == (3, 18)
    assert one[1] == many[1]


@pytest.mark.django_db
def test_a_reminder_there_already_is_not_made_again(
    deadline: Deadline, frozen_time: time_machine.Traveller, send_task: mock.MagicMock
) -> None:
    frozen_time.move_to(DUE_AT + SECOND)
    Reminder.objects.create(deadline=deadline, level=Level.WARNING, created_at=WARN_AT)

    assert sla_sweep() == 1

    assert _levels(deadline) == [Level.WARNING, Level.BREACH]
    assert _reminder(deadline, Level.WARNING).created_at == WARN_AT
    assert alerts_of(deadline) == [(Level.ESCALATION, ESCALATE_AT)]


@pytest.mark.django_db
def test_a_reminder_is_made_only_from_an_alert_of_a_clock_the_database_vouches_for(
    deadline: Deadline,
) -> None:
    """The reminders' own key to their clock is not checked by the database (a third of a
    sweep); the alerts' is, and the sweep makes a reminder only from an alert it deletes."""
    missing = Deadline.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            deadline_id=missing,
            level=Level.WARNING,
            at=WARN_AT,
            market_id=deadline.market_id,
            subject_type=deadline.subject_type,
            target=deadline.target,
        )
        connection.check_constraints(table_names=[Alert._meta.db_table])


@pytest.mark.django_db
def test_a_clock_deleted_through_the_orm_takes_its_reminders_and_alerts_with_it(
    deadline: Deadline, frozen_time: time_machine.Traveller, send_task: mock.MagicMock
) -> None:
    frozen_time.move_to(DUE_AT + SECOND)
    assert sla_sweep() == 2
    assert Alert.objects.filter(deadline=deadline).exists()  # the escalation, still to come

    deadline.delete()

    assert not Reminder.objects.filter(deadline_id=deadline.pk).exists()
    assert not Alert.objects.filter(deadline_id=deadline.pk).exists()


@pytest.mark.django_db
def test_a_holiday_entered_after_the_start_moves_no_reminder_time(
    deadline: Deadline, frozen_time: time_machine.Traveller, send_task: mock.MagicMock
) -> None:
    """As the due time told to the applicant stays, so do the times the staff are reminded
    at: they were set in working time when the clock started."""
    frozen_time.move_to(at(2026, 3, 4, 9))
    CalendarDay.objects.create(day=date(2026, 3, 10), is_working_day=False, reason="closure")

    frozen_time.move_to(DUE_AT)
    assert sla_sweep() == 2  # the warning (missed meanwhile) and the breach
    frozen_time.move_to(ESCALATE_AT)
    assert sla_sweep() == 1

    assert _reminder(deadline, Level.ESCALATION).created_at == ESCALATE_AT


@pytest.mark.django_db
def test_a_reminder_whose_delivery_was_lost_is_handed_to_the_workers_again(
    deadline: Deadline,
    frozen_time: time_machine.Traveller,
    send_task: mock.MagicMock,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    frozen_time.move_to(WARN_AT)
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep()
    reminder = _reminder(deadline, Level.WARNING)
    send_task.reset_mock()

    frozen_time.move_to(WARN_AT + QUEUE_LEASE - SECOND)
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep()
    send_task.assert_not_called()  # its task may still be on its way

    frozen_time.move_to(WARN_AT + QUEUE_LEASE)
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_sweep() == 0
    send_task.assert_called_once_with(TASK, args=[reminder.pk])

    reminder_deliver(reminder_id=reminder.pk)
    send_task.reset_mock()
    frozen_time.move_to(WARN_AT + 3 * QUEUE_LEASE)
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep()
    send_task.assert_not_called()  # delivered: never again


@pytest.mark.django_db
def test_a_paused_deadline_gets_no_reminder(
    case: Case, owner: User, frozen_time: time_machine.Traveller
) -> None:
    frozen_time.move_to(at(2026, 3, 2, 10))
    materials_request(owner, case)

    frozen_time.move_to(ESCALATE_AT + timedelta(days=30))
    assert sla_sweep() == 0

    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_a_stopped_deadline_gets_no_reminder(
    case: Case, owner: User, frozen_time: time_machine.Traveller
) -> None:
    frozen_time.move_to(at(2026, 3, 3, 10))
    case_resolve(actor=owner, case=case, outcome="已答复")

    frozen_time.move_to(ESCALATE_AT + timedelta(days=30))
    assert sla_sweep() == 0

    assert not Reminder.objects.exists()


# --- Delivering them ----------------------------------------------------------------------------


def _reminders_at(deadline: Deadline, moment: Any, frozen_time: time_machine.Traveller) -> None:
    frozen_time.move_to(moment)
    sla_sweep()


@pytest.mark.django_db
def test_due_soon_tells_the_owner(
    deadline: Deadline, owner: User, frozen_time: time_machine.Traveller
) -> None:
    _reminders_at(deadline, WARN_AT, frozen_time)
    reminder = _reminder(deadline, Level.WARNING)

    assert reminder_deliver(reminder_id=reminder.pk) is True

    assert _recipients(deadline, Level.WARNING) == [owner]
    [told] = Notification.objects.all()
    assert told.link == f"/cases/{deadline.subject_id}/"
    reminder.refresh_from_db()
    assert reminder.delivered_at == WARN_AT


@pytest.mark.django_db
def test_overdue_tells_the_owner_the_first_contact_officer_and_the_team_lead(
    deadline: Deadline,
    owner: User,
    officer: User,
    team_lead: User,
    inspector: User,
    frozen_time: time_machine.Traveller,
) -> None:
    _reminders_at(deadline, DUE_AT, frozen_time)

    reminder_deliver(reminder_id=_reminder(deadline, Level.BREACH).pk)

    assert _recipients(deadline, Level.BREACH) == sorted(
        [owner, officer, team_lead], key=lambda u: u.username
    )


@pytest.mark.django_db
def test_an_escalation_reaches_the_team_lead_and_the_inspector_over_the_region(
    deadline: Deadline,
    team_lead: User,
    inspector: User,
    frozen_time: time_machine.Traveller,
) -> None:
    _reminders_at(deadline, ESCALATE_AT, frozen_time)

    reminder_deliver(reminder_id=_reminder(deadline, Level.ESCALATION).pk)

    assert _recipients(deadline, Level.ESCALATION) == [inspector, team_lead]  # not the officers


@pytest.mark.django_db
def test_a_reminder_delivered_twice_tells_each_person_once(
    deadline: Deadline,
    team_lead: User,
    inspector: User,
    frozen_time: time_machine.Traveller,
) -> None:
    team_lead.email = "teamlead@example.org"
    team_lead.save(update_fields=["email"])
    _reminders_at(deadline, ESCALATE_AT, frozen_time)
    reminder = _reminder(deadline, Level.ESCALATION)

    assert reminder_deliver(reminder_id=reminder.pk) is True
    assert reminder_deliver(reminder_id=reminder.pk) is False
    # A worker that told everyone and died before it could mark the reminder delivered.
    Reminder.objects.filter(pk=reminder.pk).update(delivered_at=None)
    assert reminder_deliver(reminder_id=reminder.pk) is True

    assert _recipients(deadline, Level.ESCALATION) == [inspector, team_lead]
    [mail] = OutboxMessage.objects.filter(to="teamlead@example.org")
    assert mail.idempotency_key == f"sla:{deadline.pk}:escalation:{team_lead.pk}"


@pytest.mark.django_db
def test_the_delivery_task_delivers_through_the_service(
    deadline: Deadline, owner: User, frozen_time: time_machine.Traveller
) -> None:
    _reminders_at(deadline, WARN_AT, frozen_time)
    reminder = _reminder(deadline, Level.WARNING)

    first = reminder_deliver_task.apply(args=(reminder.pk,))
    again = reminder_deliver_task.apply(args=(reminder.pk,))

    assert (first.get(), again.get()) == (True, False)
    assert _recipients(deadline, Level.WARNING) == [owner]
    assert reminder_deliver_task.acks_late is True


@pytest.mark.django_db
def test_delivering_a_reminder_that_is_gone_does_nothing() -> None:
    assert reminder_deliver(reminder_id=987654) is False


class RetryRequested(Exception):
    pass


@pytest.mark.django_db
def test_a_failed_delivery_keeps_the_sweep_off_until_its_retry_is_overdue(
    deadline: Deadline,
    frozen_time: time_machine.Traveller,
    send_task: mock.MagicMock,
    django_capture_on_commit_callbacks: OnCommit,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frozen_time.move_to(WARN_AT)
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep()
    reminder = _reminder(deadline, Level.WARNING)
    send_task.reset_mock()

    def broken(*, reminder_id: int) -> bool:
        raise ConnectionError("database gone for a moment")

    countdowns: list[float] = []

    def retry(*, exc: Exception, countdown: float) -> RetryRequested:
        countdowns.append(countdown)
        return RetryRequested()

    monkeypatch.setattr("sla.services.reminder_deliver", broken)
    monkeypatch.setattr(reminder_deliver_task, "retry", retry)
    reminder_deliver_task.request_stack.push(Context(retries=3, called_directly=False))
    try:
        with pytest.raises(RetryRequested):
            reminder_deliver_task.run(reminder.pk)
    finally:
        reminder_deliver_task.pop_request()

    assert countdowns == [8]  # 1, 2, 4, 8 … seconds
    retry_overdue = WARN_AT + timedelta(seconds=8) + QUEUE_LEASE
    reminder.refresh_from_db()
    assert reminder.queued_until == retry_overdue

    frozen_time.move_to(retry_overdue - SECOND)  # the retry waits in the worker: no second task
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep()
    send_task.assert_not_called()

    frozen_time.move_to(retry_overdue)  # the retry was lost with its worker
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep()
    send_task.assert_called_once_with(TASK, args=[reminder.pk])


@pytest.mark.django_db
def test_lost_reminders_are_queued_again_once_per_lease_however_often_the_sweep_runs(
    deadline: Deadline,
    frozen_time: time_machine.Traveller,
    send_task: mock.MagicMock,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    frozen_time.move_to(ESCALATE_AT)
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_sweep() == 3  # three tasks on their way …
    send_task.reset_mock()

    # … and lost with the worker. A sweep every ten seconds for two leases.
    for tick in range(1, 2 * int(QUEUE_LEASE.total_seconds()) // 10 + 1):
        frozen_time.move_to(ESCALATE_AT + tick * timedelta(seconds=10))
        with django_capture_on_commit_callbacks(execute=True):
            sla_sweep()

    reminders = list(deadline.reminders.order_by("pk").values_list("pk", flat=True))
    assert send_task.call_args_list == 2 * [mock.call(TASK, args=[pk]) for pk in reminders]
