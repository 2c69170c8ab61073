"""The dashboard counters (``sla.counters``, ``cases.counters``; issue 14): after any sequence of
what the services do to cases and their clocks (open, one by one or many at once as an import
does, claim, reassign, transfer to another market, pause for materials and resume, resolve in
time or late, withdraw, reopen, the days passing with the sweep), the figures read from the
counters equal those counted over every clock and case (the slow queries kept as references),
and a rebuild from the clocks and cases finds the rows the services wrote.
Run on SQLite and on PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

import io
import random
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from conftest import MarketFactory, RegionFactory, UserFactory, applicant_make, case_make
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from cases.dashboard_selectors import (
    By,
    case_counts_by_kind_and_state,
    case_counts_by_kind_and_state_scanned,
    case_workload,
    case_workload_scanned,
    sla_alerts_by_week,
    sla_alerts_by_week_scanned,
    sla_on_time_by_market,
    sla_on_time_by_market_scanned,
    sla_on_time_by_week,
    sla_on_time_by_week_scanned,
    sla_open_alerts_by_market,
    sla_open_alerts_by_market_scanned,
    weeks_up_to,
)
from cases.fsm import CaseActionError
from cases.models import (
    Case,
    ChecklistItem,
    NoticeItem,
    State,
    Transfer,
)
from cases.services import (
    CaseRequest,
    case_claim,
    case_open_many,
    case_reassign,
    case_receive_materials,
    case_reopen,
    case_request_materials,
    case_resolve,
    case_resolve_and_close_many,
    case_transfer,
    case_transfer_accept,
    case_withdraw,
)
from cases.sla_counters import counter_rows
from cases.sla_selectors import Period, sla_figures, sla_figures_scanned
from markets.models import Market, Membership, Region, Role
from sla.calendar import SHANGHAI
from sla.counters import deadline_counts_move, deadline_counts_prune
from sla.models import (
    Alert,
    Deadline,
    DeadlineCount,
    Level,
    Policy,
    Reminder,
    ReminderCount,
    Target,
    Unit,
)
from sla.services import sla_sweep

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 9, 9, 30, tzinfo=SHANGHAI)  # a Monday morning
STEPS = 60


def _sorted(rows: list[Any]) -> list[Any]:
    return sorted(rows, key=lambda row: (row[0] is None, row[0] or 0, *row[1:]))


def assert_counters_match_the_scan(markets: list[Market]) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    ids = [market.pk for market in markets]
    for period in (Period.month_of(today), Period(today - timedelta(days=9), today)):
        for market in markets:
            totals, per_officer, per_kind = sla_figures(market=market, period=period, now=now)
            scanned = sla_figures_scanned(market=market, period=period, now=now)
            expected_officers = [row for row in scanned[1] if row[1] or row[2]]
            expected_kinds = [row for row in scanned[2] if row[1] or row[2]]
            assert (totals, _sorted(per_officer), per_kind) == (
                scanned[0],
                _sorted(expected_officers),
                expected_kinds,
            ), (market.name, now, period)
        for by in ("kind", "market_id"):
            found = case_counts_by_kind_and_state(
                market_ids=ids, starts_at=period.starts_at, ends_before=period.ends_before, by=by
            )
            assert found == case_counts_by_kind_and_state_scanned(
                market_ids=ids, starts_at=period.starts_at, ends_before=period.ends_before, by=by
            ), (by, now, period)
        rates = sla_on_time_by_market(
            market_ids=ids, starts_at=period.starts_at, ends_before=period.ends_before
        )
        assert rates == sla_on_time_by_market_scanned(
            market_ids=ids, starts_at=period.starts_at, ends_before=period.ends_before
        )
    weeks = weeks_up_to(today, count=4)
    assert sla_on_time_by_week(market_ids=ids, weeks=weeks) == sla_on_time_by_week_scanned(
        market_ids=ids, weeks=weeks
    )
    for chosen in [*([market.pk] for market in markets), ids]:
        assert sla_alerts_by_week(market_ids=chosen, weeks=weeks) == sla_alerts_by_week_scanned(
            market_ids=chosen, weeks=weeks
        ), (chosen, now)
    for chosen in [*([market.pk] for market in markets), ids]:
        groupings: tuple[By, ...] = ("officer", "market")
        for by in groupings:
            assert case_workload(market_ids=chosen, by=by) == case_workload_scanned(
                market_ids=chosen, by=by
            ), (chosen, by, now)
    alerts = sla_open_alerts_by_market_scanned(market_ids=ids, now=now)
    assert sla_open_alerts_by_market(market_ids=ids, now=now) == {
        market: counts for market, counts in alerts.items() if any(counts)
    }


def alert_rows() -> set[tuple[Any, ...]]:
    """The reminders still to come (``sla.models.Alert``): what the sweep will send."""
    return set(
        Alert.objects.values_list(
            "deadline_id", "level", "at", "market_id", "subject_type", "target"
        )
    )


def staff_make(username: str, role: Role, *, market: Market) -> User:
    user = UserFactory.create(username=username)
    Membership.objects.create(user=user, role=role, market=market)
    return user


@pytest.fixture
def scene(guangxi: Region, nanning_market: Market) -> dict[str, Any]:
    liuzhou = MarketFactory.create(
        region=RegionFactory.create(code="450200", name="柳州市"), name="柳州市零工市场"
    )
    staff = {
        nanning_market.pk: [
            staff_make("nn-1", Role.OFFICER, market=nanning_market),
            staff_make("nn-2", Role.OFFICER, market=nanning_market),
        ],
        liuzhou.pk: [
            staff_make("lz-1", Role.OFFICER, market=liuzhou),
            staff_make("lz-2", Role.OFFICER, market=liuzhou),
        ],
    }
    leads = {
        nanning_market.pk: staff_make("nn-lead", Role.TEAM_LEAD, market=nanning_market),
        liuzhou.pk: staff_make("lz-lead", Role.TEAM_LEAD, market=liuzhou),
    }
    return {"markets": [nanning_market, liuzhou], "staff": staff, "leads": leads}


def hours_policy(market: Market, kind: str = "policy_consultation") -> Policy:
    """A completion time limit of a few working hours for ``kind`` in ``market``: its clocks
    fall due at any hour of the day (a limit in days ends at closing time)."""
    return Policy.objects.create(
        kind=kind, target=Target.COMPLETION, market=market, amount=3, unit=Unit.WORKING_HOURS
    )


def _fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_counters_equal_the_scan_after_any_sequence_of_operations(
    scene: dict[str, Any], seed: int
) -> None:
    rng = random.Random(seed)  # noqa: S311  (a reproducible sequence, not a secret)
    markets: list[Market] = scene["markets"]
    staff: dict[int, list[User]] = scene["staff"]
    leads: dict[int, User] = scene["leads"]
    applicant = applicant_make(staff[markets[0].pk][0])
    hours_policy(markets[1], "career_guidance")  # clocks due at any hour, not only at closing
    cases: list[Case] = []
    done: dict[str, int] = {}

    def pick(*states: str) -> Case | None:
        found = [case for case in map(_fresh, cases) if case.state in states]
        return rng.choice(found) if found else None

    def worker(case: Case) -> User:
        return case.owner or staff[case.market_id][0]

    def open_one() -> None:
        market = rng.choice(markets)
        kind = rng.choice(["policy_consultation", "policy_consultation", "career_guidance"])
        cases.append(
            case_make(
                rng.choice(staff[market.pk]),
                market=market,
                applicant=applicant,
                kind=kind,
                claimed=rng.random() < 0.7,
            )
        )

    def open_many() -> None:
        """A page of an import: a few cases opened at once, some finished at once too."""
        market = rng.choice(markets)
        with transaction.atomic():
            made = case_open_many(
                actor=rng.choice(staff[market.pk]),
                market=market,
                kind="policy_consultation",
                channel="platform",
                requests=[CaseRequest(applicant=applicant, subject="导入的咨询")] * 3,
                claimed=rng.random() < 0.5,
            )
            if rng.random() < 0.5:
                case_resolve_and_close_many(
                    actor=rng.choice(staff[market.pk]), cases=made[:2], outcome="已办结"
                )
        cases.extend(made)

    def claim() -> None:
        case = pick(State.NEW)
        if case is not None:
            case_claim(actor=rng.choice(staff[case.market_id]), case=case)

    def reassign() -> None:
        case = pick(State.IN_PROGRESS, State.AWAITING_MATERIALS)
        if case is not None:
            others = [user for user in staff[case.market_id] if user.pk != case.owner_id]
            case_reassign(actor=leads[case.market_id], case=case, to_user=rng.choice(others))

    def transfer() -> None:
        case = pick(State.IN_PROGRESS)
        if case is not None:
            other = next(market for market in markets if market.pk != case.market_id)
            receiver = rng.choice(staff[other.pk])
            made = case_transfer(
                actor=worker(case), case=case, to_market=other, to_user=receiver, reason="转办"
            )
            case_transfer_accept(actor=receiver, transfer=Transfer.objects.get(pk=made.pk))

    def pause() -> None:
        case = pick(State.IN_PROGRESS)
        if case is not None and not case.notices.exists():
            items = list(ChecklistItem.objects.filter(kind=case.kind, is_active=True)[:1])
            if items:
                case_request_materials(actor=worker(case), case=case, items=items)

    def resume() -> None:
        case = pick(State.AWAITING_MATERIALS)
        if case is not None:
            items = list(NoticeItem.objects.filter(notice__case=case, received_at__isnull=True))
            case_receive_materials(actor=worker(case), case=case, items=items)

    def resolve() -> None:
        case = pick(State.IN_PROGRESS)
        if case is not None:
            case_resolve(actor=worker(case), case=case, outcome="已答复")

    def withdraw() -> None:
        case = pick(State.NEW, State.IN_PROGRESS, State.AWAITING_MATERIALS)
        if case is not None:
            case_withdraw(actor=worker(case), case=case, reason="申请人撤回")

    def reopen() -> None:
        case = pick(State.RESOLVED)
        if case is not None:
            case_reopen(actor=worker(case), case=case, reason="申请人补充诉求")

    operations: dict[str, Callable[[], None]] = {
        "open": open_one,
        "open_many": open_many,
        "claim": claim,
        "reassign": reassign,
        "transfer": transfer,
        "pause": pause,
        "resume": resume,
        "resolve": resolve,
        "withdraw": withdraw,
        "reopen": reopen,
    }
    names = list(operations)
    weights = [5, 1, 2, 2, 2, 2, 2, 3, 1, 1]
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(6):
            open_one()
        open_many()
        done["open_many"] = 1
        for step in range(STEPS):
            name = rng.choices(names, weights)[0]
            try:
                operations[name]()
                done[name] = done.get(name, 0) + 1
            except (CaseActionError, PermissionDenied, ValidationError):
                pass  # not possible for this case now: nothing changed
            # Time goes on: minutes, hours, or past midnight (the sweep runs).
            local = timezone.localtime(timezone.now(), SHANGHAI)
            if step % 5 == 4:
                midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0)
                traveller.move_to(midnight + timedelta(minutes=rng.randint(1, 9 * 60)))
            else:
                traveller.shift(timedelta(minutes=rng.randint(5, 8 * 60)))
            sla_sweep()
            if step % 3 == 2:
                assert_counters_match_the_scan(markets)
        assert_counters_match_the_scan(markets)

        # After the day's prune (the hours of the days gone by merged), the rows are exactly
        # those a rebuild writes.
        deadline_counts_prune(today=timezone.localdate())
        written = counter_rows()
        assert {table for table, *_key in written} == {"clocks", "reminders", "opened", "load"}
        call_command("sla_counters_rebuild", stdout=open_null())
        assert counter_rows() == written
        assert_counters_match_the_scan(markets)

        # The alerts the services wrote are those the clocks and their reminders give.
        alerts = alert_rows()
        Alert.objects.all().delete()
        call_command("sla_alerts_rebuild", stdout=open_null())
        assert alert_rows() == alerts

    # Every kind of operation happened at least once (the sequence is not vacuous), some clocks
    # were met, some late, some overdue, and the cases moved between officers and markets.
    assert set(done) >= {"open", "open_many", "claim", "transfer", "pause", "resume", "resolve"}, (
        done
    )
    completion = Deadline.objects.filter(target=Target.COMPLETION)
    assert completion.filter(met=True).exists()
    assert (
        completion.filter(met=False).exists()
        or completion.filter(stopped_at__isnull=True, due_at__lt=timezone.now()).exists()
    )
    assert completion.filter(market=markets[1]).exists()
    assert Reminder.objects.filter(deadline__target=Target.COMPLETION).exists()
    assert alerts  # some clocks still had reminders to come


def test_a_transferred_case_takes_its_reminders_counts_to_its_new_market(
    scene: dict[str, Any], frozen_time: time_machine.Traveller
) -> None:
    markets: list[Market] = scene["markets"]
    sender = scene["staff"][markets[0].pk][0]
    receiver = scene["staff"][markets[1].pk][0]
    case = case_make(sender, market=markets[0])
    frozen_time.shift(timedelta(days=40))  # past due: warned, then overdue
    sla_sweep()
    weeks = weeks_up_to(timezone.localdate(), count=8)

    def alerts(market: Market) -> tuple[int, int]:
        found = sla_alerts_by_week(market_ids=[market.pk], weeks=weeks)
        assert found == sla_alerts_by_week_scanned(market_ids=[market.pk], weeks=weeks)
        return sum(week.due_soon for week in found), sum(week.overdue for week in found)

    assert alerts(markets[0]) == (1, 1)
    made = case_transfer(
        actor=sender, case=_fresh(case), to_market=markets[1], to_user=receiver, reason="转办"
    )
    case_transfer_accept(actor=receiver, transfer=Transfer.objects.get(pk=made.pk))

    assert alerts(markets[0]) == (0, 0)
    assert alerts(markets[1]) == (1, 1)
    assert set(ReminderCount.objects.filter(n__gt=0).values_list("market_id", "level")) >= {
        (markets[1].pk, Level.WARNING),
        (markets[1].pk, Level.BREACH),
    }


def open_null() -> io.StringIO:
    return io.StringIO()


def test_a_rebuild_restores_counters_written_around_the_services(
    scene: dict[str, Any], frozen_time: time_machine.Traveller
) -> None:
    markets: list[Market] = scene["markets"]
    officer = scene["staff"][markets[0].pk][0]
    case_make(officer, market=markets[0])
    late = case_make(officer, market=markets[0])
    # Written around the services (an import, a benchmark's set-up): the counters are stale.
    Deadline.objects.filter(subject_id=late.pk, target=Target.COMPLETION).update(
        due_at=timezone.now() - timedelta(days=3), warn_at=timezone.now() - timedelta(days=4)
    )
    period = Period.month_of(timezone.localdate())
    now = timezone.now()
    assert sla_figures(market=markets[0], period=period, now=now)[0]["overdue"] == 0

    out = open_null()
    call_command("sla_counters_rebuild", "--market", str(markets[0].pk), stdout=out)

    assert "Counted 2 completion clocks." in out.getvalue()
    assert sla_figures(market=markets[0], period=period, now=now) == sla_figures_scanned(
        market=markets[0], period=period, now=now
    )
    assert sla_figures(market=markets[0], period=period, now=now)[0]["overdue"] == 1


def test_intake_writes_the_counters_in_one_statement(
    scene: dict[str, Any],
) -> None:
    """A case opened at the counter: its completion clock is counted by one upsert (three rows:
    its officer's, its kind's and the market's), in the intake's transaction."""

    markets: list[Market] = scene["markets"]
    officer = scene["staff"][markets[0].pk][0]
    applicant = applicant_make(officer)
    with CaptureQueriesContext(connection) as captured:
        case = case_make(officer, market=markets[0], applicant=applicant)
    upserts = [q["sql"] for q in captured.captured_queries if "sla_deadlinecount" in q["sql"]]
    assert len(upserts) == 1, upserts
    rows = DeadlineCount.objects.filter(n=1).values_list("officer", "kind")
    assert sorted(rows) == sorted(
        [
            (officer.pk, DeadlineCount.ALL_KINDS),
            (DeadlineCount.ALL_OFFICERS, case.kind),
            (DeadlineCount.ALL_OFFICERS, DeadlineCount.ALL_KINDS),
        ]
    )


def test_the_figures_take_one_query_each_however_many_clocks(
    scene: dict[str, Any], frozen_time: time_machine.Traveller, django_assert_num_queries: Any
) -> None:
    """Each read of the counters is one query, with 2 clocks as with 14, open, overdue, due
    today, met and late, of two officers and two kinds."""
    markets: list[Market] = scene["markets"]
    officers = scene["staff"][markets[0].pk]
    applicant = applicant_make(officers[0])

    def fill(n: int) -> None:
        for i in range(n):
            case = case_make(
                officers[i % 2],
                market=markets[0],
                applicant=applicant,
                kind=["policy_consultation", "career_guidance"][i % 2],
            )
            if i % 3 == 0:
                case_resolve(actor=officers[i % 2], case=case, outcome="已答复")
        frozen_time.shift(timedelta(days=3))

    def reads() -> list[Any]:
        now = timezone.now()
        today = timezone.localdate(now)
        period = Period.month_of(today)
        ids = [market.pk for market in markets]
        found: list[Any] = []
        with django_assert_num_queries(1):
            found.append(sla_figures(market=markets[0], period=period, now=now))
        with django_assert_num_queries(1):
            found.append(sla_open_alerts_by_market(market_ids=ids, now=now))
        with django_assert_num_queries(1):
            found.append(sla_on_time_by_week(market_ids=ids, weeks=weeks_up_to(today)))
        with django_assert_num_queries(1):
            found.append(
                sla_on_time_by_market(
                    market_ids=ids, starts_at=period.starts_at, ends_before=period.ends_before
                )
            )
        return found

    fill(2)
    small = reads()
    fill(12)
    large = reads()

    assert small[0][0]["stopped"] < large[0][0]["stopped"]
    assert_counters_match_the_scan(markets)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real concurrent transactions on one row: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_transactions_bumping_the_same_rows_lose_nothing_and_never_deadlock(
    nanning_market: Market,
) -> None:
    """Two transactions count clocks in the same buckets, in opposite orders, at once: the
    second waits for the first's commit and adds to what it wrote (no lost increment); rows
    are written in key order, so neither waits for the other's rows crosswise (no deadlock)."""
    day = timezone.localdate()
    buckets = [
        (
            nanning_market.pk,
            "cases.case",
            DeadlineCount.Status.OPEN,
            day,
            17,
            day,
            9,
            officer,
            "kind",
        )
        for officer in (DeadlineCount.NOBODY, 7)
    ]
    inside = threading.Barrier(2)
    errors: list[BaseException] = []

    def count(order: list[Any], hold: float) -> None:
        try:
            with transaction.atomic():
                inside.wait(timeout=30)
                deadline_counts_move((None, bucket) for bucket in order)
                time.sleep(hold)  # the other one now waits on these rows
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=count, args=(buckets, 0.5)),
        threading.Thread(target=count, args=(buckets[::-1], 0.0)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    rows = counter_rows()
    for *head, officer, kind in buckets:
        assert rows[("clocks", *head, officer, "")] == 2
        assert rows[("clocks", *head, -1, kind)] == 4
        assert rows[("clocks", *head, -1, "")] == 4


def test_rows_that_count_nothing_any_more_are_dropped_once_their_day_is_past(
    scene: dict[str, Any], frozen_time: time_machine.Traveller
) -> None:
    """A resolved case leaves its running bucket at 0; once its due day is past, the daily
    prune (the first sweep after midnight) drops that row and no row that still counts."""
    markets: list[Market] = scene["markets"]
    officer = scene["staff"][markets[0].pk][0]
    applicant = applicant_make(officer)
    done = case_make(officer, market=markets[0], applicant=applicant)
    due = Deadline.objects.get(subject_id=done.pk, target=Target.COMPLETION).due_at
    frozen_time.shift(timedelta(days=7))  # another due day: a bucket of its own
    case_make(officer, market=markets[0], applicant=applicant)  # still open
    case_resolve(actor=officer, case=done, outcome="已答复")
    empty = DeadlineCount.objects.filter(n=0, status=DeadlineCount.Status.OPEN)
    assert empty.count() == 3  # the officer's, the kind's and the market's row
    frozen_time.move_to(due + timedelta(days=2))
    before = counter_rows()

    assert deadline_counts_prune(today=timezone.localdate()) == 3

    assert not empty.exists()
    assert counter_rows() == before  # the rows that count are all there
    assert_counters_match_the_scan(markets)


def test_the_hours_of_a_day_gone_by_are_merged_into_one_row(
    scene: dict[str, Any], frozen_time: time_machine.Traveller
) -> None:
    """Running clocks count by the hour they are due and warn; once their day is past, the
    daily prune merges the rows of its hours into one row of the day: the figures stay, the
    rows are those a rebuild writes, and a clock moved after the merge (its hour's row left,
    one below zero until the next prune) still counts once."""
    markets: list[Market] = scene["markets"]
    officer = scene["staff"][markets[0].pk][0]
    applicant = applicant_make(officer)
    hours_policy(markets[0])
    cases = []
    for _ in range(3):  # three due hours of one day
        cases.append(case_make(officer, market=markets[0], applicant=applicant))
        frozen_time.shift(timedelta(hours=1))
    clocks = Deadline.objects.filter(target=Target.COMPLETION, subject_id__in=[c.pk for c in cases])
    due_days = {timezone.localdate(due) for due in clocks.values_list("due_at", flat=True)}
    running = DeadlineCount.objects.filter(status=DeadlineCount.Status.OPEN, day__in=due_days)
    market_rows = running.filter(officer=DeadlineCount.ALL_OFFICERS, kind=DeadlineCount.ALL_KINDS)
    hours = {timezone.localtime(due).hour for due in clocks.values_list("due_at", flat=True)}
    assert len(due_days) == 1
    assert len(hours) > 1
    assert set(market_rows.values_list("hour", flat=True)) == hours

    frozen_time.move_to(max(clocks.values_list("due_at", flat=True)) + timedelta(days=1))
    deadline_counts_prune(today=timezone.localdate())

    assert set(running.values_list("hour", "warn_hour")) == {(-1, -1)}
    assert market_rows.get().n == 3
    assert_counters_match_the_scan(markets)
    written = counter_rows()
    call_command("sla_counters_rebuild", stdout=open_null())
    assert counter_rows() == written

    case_reassign(  # after the merge: out of its hour's row, into the other officer's
        actor=scene["leads"][markets[0].pk],
        case=_fresh(cases[0]),
        to_user=scene["staff"][markets[0].pk][1],
    )
    assert running.filter(n__lt=0).exists()
    assert_counters_match_the_scan(markets)
    deadline_counts_prune(today=timezone.localdate())
    assert set(running.values_list("hour", "warn_hour")) == {(-1, -1)}
    assert not running.filter(n__lt=0).exists()
    assert_counters_match_the_scan(markets)
    written = counter_rows()
    call_command("sla_counters_rebuild", stdout=open_null())
    assert counter_rows() == written


def test_the_figures_hold_at_every_minute_that_matters_of_a_day(
    scene: dict[str, Any], frozen_time: time_machine.Traveller
) -> None:
    """Clocks due and warned at all hours (a limit of a few working hours), some claimed,
    some not: at each due and warning time, a minute before and after it, and every quarter
    of an hour through the day and the night after, the figures read from the counters (the
    hours gone by) and the clocks (the current hour) equal those counted over every clock."""
    markets: list[Market] = scene["markets"]
    officers = scene["staff"][markets[0].pk]
    applicant = applicant_make(officers[0])
    hours_policy(markets[0])
    for n in range(8):
        case_make(officers[n % 2], market=markets[0], applicant=applicant, claimed=n % 3 > 0)
        frozen_time.shift(timedelta(minutes=50))
    start = timezone.now()
    times = Deadline.objects.filter(target=Target.COMPLETION).values_list("due_at", "warn_at")
    assert len({timezone.localtime(due).hour for due, _warn in times}) > 3
    moments = {start + timedelta(minutes=15 * n) for n in range(4 * 20)}
    for due, warn in times:
        for at in (due, warn):
            moments |= {at - timedelta(minutes=1), at, at + timedelta(minutes=1)}

    for moment in sorted(moment for moment in moments if moment >= start):
        frozen_time.move_to(moment)
        assert_counters_match_the_scan(markets)
