"""The figures of the dashboards' charts (issue 12, item 4), against fixtures counted by hand:
weeks in Asia/Shanghai (a clock stopped at 00:30 on a Monday belongs to that week, though in UTC
it is still Sunday), withdrawn cases out of the on-time rate, a week with nothing finished has
no rate (not 0 %), period edges, other markets' records left out, and one query per figure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from conftest import MarketFactory, applicant_make
from django.db import connection
from django.db.models import Count

from accounts.models import User
from cases.counters import case_counts_rebuild
from cases.dashboard_selectors import (
    case_counts_by_kind_and_state,
    case_workload,
    market_list_inspected,
    sla_alerts_by_week,
    sla_alerts_by_week_scanned,
    sla_on_time_by_market,
    sla_on_time_by_week,
    sla_open_alerts_by_market,
    weeks_up_to,
)
from cases.models import Case, State, open_state_condition
from cases.sla_counters import sla_counters_rebuild
from markets.models import Market, Region, Role
from sla.counters import reminder_counts_rebuild
from sla.models import Deadline, Level, Policy, Reminder, Target

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
_serial = count(1)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def case_add(market: Market, officer: User, **fields: Any) -> Case:
    values: dict[str, Any] = {
        "reference": f"{market.region.code}-2026-{next(_serial):06d}",
        "kind": "policy_consultation",
        "state": State.IN_PROGRESS,
        "market": market,
        "channel": "counter",
        "applicant": fields.pop("applicant"),
        "subject": "咨询",
        "first_contact_officer": officer,
        "owner": officer,
        "opened_at": local(2026, 11, 10, 9),
    }
    values.update(fields)
    case = Case.objects.create(**values)
    case_counts_rebuild()  # written around the case services: the counters counted again
    return case


def clock_add(case: Case, **fields: Any) -> Deadline:
    """A completion clock of ``case``, due 2026-11-20 17:00 unless told otherwise."""
    due = fields.pop("due_at", local(2026, 11, 20, 17))
    values: dict[str, Any] = {
        "subject_type": "cases.case",
        "subject_id": case.pk,
        "market_id": case.market_id,
        "kind": case.kind,
        "target": Target.COMPLETION,
        "policy": Policy.objects.get(kind="policy_consultation", target=Target.COMPLETION),
        "started_at": case.opened_at,
        "due_at": due,
        "warn_at": due - timedelta(days=1),
        "escalate_at": due + timedelta(days=2),
    }
    values.update(fields)
    clock = Deadline.objects.create(**values)
    sla_counters_rebuild()  # written around the clock services: the counters counted again
    return clock


@pytest.fixture
def liuzhou_market(liuzhou: Region) -> Market:
    return MarketFactory.create(region=liuzhou, name="柳州市零工市场")


@pytest.fixture
def make(officer: User) -> Callable[..., Case]:
    applicant = applicant_make(officer)

    def made(market: Market, **fields: Any) -> Case:
        return case_add(market, officer, applicant=applicant, **fields)

    return made


WEEKS = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]


def test_weeks_are_the_mondays_up_to_the_week_of_the_last_day() -> None:
    assert weeks_up_to(date(2026, 11, 22), count=3) == WEEKS  # a Sunday
    assert weeks_up_to(date(2026, 11, 16), count=3) == WEEKS  # its Monday
    assert len(weeks_up_to(date(2026, 11, 16))) == 12


def test_on_time_rate_per_week_counted_by_hand(
    make: Callable[..., Case],
    nanning_market: Market,
    liuzhou_market: Market,
    django_assert_num_queries: Callable[[int], Any],
) -> None:
    def stopped(at: datetime, met: bool | None, market: Market = nanning_market) -> None:
        clock_add(make(market, state=State.CLOSED), stopped_at=at, met=met)

    # Week of 2 Nov: 2 of 3 on time; a withdrawn case's clock (met None) counts in neither.
    stopped(local(2026, 11, 2, 0, 0), True)  # its first minute
    stopped(local(2026, 11, 4, 10), True)
    stopped(local(2026, 11, 8, 23, 59), False)  # its last minute
    stopped(local(2026, 11, 5, 10), None)
    # Week of 9 Nov: nothing finished. Week of 16 Nov: 1 of 2, one at 00:30 on the Monday
    # (16:30 UTC on Sunday the 15th: the week is Shanghai's).
    stopped(local(2026, 11, 16, 0, 30), True)
    stopped(local(2026, 11, 22, 18), False)
    # Left out: before the first week, after the last, and another market's.
    stopped(local(2026, 11, 1, 23, 59), False)
    stopped(local(2026, 11, 23, 0, 0), False)
    stopped(local(2026, 11, 4, 10), False, liuzhou_market)

    with django_assert_num_queries(1):
        rates = sla_on_time_by_week(market_ids=[nanning_market.pk], weeks=WEEKS)

    assert [(r.week, r.stopped, r.met) for r in rates] == [
        (date(2026, 11, 2), 3, 2),
        (date(2026, 11, 9), 0, 0),
        (date(2026, 11, 16), 2, 1),
    ]
    assert [r.percent for r in rates] == [pytest.approx(200 / 3), None, 50.0]
    # Both markets together (the region view): Liuzhou's late case joins the first week.
    both = sla_on_time_by_week(market_ids=[nanning_market.pk, liuzhou_market.pk], weeks=WEEKS)
    assert (both[0].stopped, both[0].met) == (4, 2)


def test_due_soon_and_overdue_per_week_counts_each_reminder_once_in_its_week(
    make: Callable[..., Case],
    nanning_market: Market,
    liuzhou_market: Market,
    django_assert_num_queries: Callable[[int], Any],
) -> None:
    def reminded(*levels: tuple[str, datetime], market: Market = nanning_market) -> None:
        clock = clock_add(make(market))
        for level, at in levels:
            Reminder.objects.create(deadline=clock, level=level, created_at=at)

    reminded((Level.WARNING, local(2026, 11, 3, 9)), (Level.BREACH, local(2026, 11, 10, 9)))
    reminded((Level.WARNING, local(2026, 11, 8, 23, 0)))
    # Monday 00:10 in Shanghai, still Sunday in UTC; and an escalation, which is neither.
    reminded((Level.BREACH, local(2026, 11, 16, 0, 10)), (Level.ESCALATION, local(2026, 11, 17)))
    reminded((Level.WARNING, local(2026, 11, 3, 9)), market=liuzhou_market)
    reminded((Level.BREACH, local(2026, 10, 30, 9)))  # before the first week
    reminder_counts_rebuild()  # the reminders were written around the sweep, as an import is

    with django_assert_num_queries(1):
        alerts = sla_alerts_by_week(market_ids=[nanning_market.pk], weeks=WEEKS)

    assert [(a.week, a.due_soon, a.overdue) for a in alerts] == [
        (date(2026, 11, 2), 2, 0),
        (date(2026, 11, 9), 0, 1),
        (date(2026, 11, 16), 0, 1),
    ]
    assert alerts == sla_alerts_by_week_scanned(market_ids=[nanning_market.pk], weeks=WEEKS)


def test_cases_opened_in_the_period_by_kind_and_state_now(
    make: Callable[..., Case],
    nanning_market: Market,
    liuzhou_market: Market,
    django_assert_num_queries: Callable[[int], Any],
) -> None:
    make(nanning_market, opened_at=local(2026, 11, 1, 0, 0))  # the first minute of the period
    make(nanning_market, opened_at=local(2026, 11, 30, 23, 59))  # the last
    make(nanning_market, state=State.CLOSED)
    make(nanning_market, kind="complaint", state=State.NEW, owner=None)
    make(nanning_market, opened_at=local(2026, 10, 31, 23, 59))  # before
    make(nanning_market, opened_at=local(2026, 12, 1, 0, 0))  # after
    make(liuzhou_market)  # another market
    starts, ends = local(2026, 11, 1), local(2026, 12, 1)

    with django_assert_num_queries(1):
        counts = case_counts_by_kind_and_state(
            market_ids=[nanning_market.pk], starts_at=starts, ends_before=ends
        )

    assert counts == {
        ("policy_consultation", State.IN_PROGRESS): 2,
        ("policy_consultation", State.CLOSED): 1,
        ("complaint", State.NEW): 1,
    }
    by_market = case_counts_by_kind_and_state(
        market_ids=[nanning_market.pk, liuzhou_market.pk],
        starts_at=starts,
        ends_before=ends,
        by="market_id",
    )
    assert by_market == {
        (nanning_market.pk, State.IN_PROGRESS): 2,
        (nanning_market.pk, State.CLOSED): 1,
        (nanning_market.pk, State.NEW): 1,
        (liuzhou_market.pk, State.IN_PROGRESS): 1,
    }
    with pytest.raises(ValueError):
        case_counts_by_kind_and_state(
            market_ids=[nanning_market.pk], starts_at=starts, ends_before=ends, by="subject"
        )


def test_workload_counts_the_open_cases_by_owner_or_market_and_state(
    make: Callable[..., Case],
    officer: User,
    team_lead: User,
    nanning_market: Market,
    liuzhou_market: Market,
    django_assert_num_queries: Callable[[int], Any],
) -> None:
    make(nanning_market)
    make(nanning_market, state=State.AWAITING_MATERIALS)
    make(nanning_market, owner=team_lead)
    make(nanning_market, state=State.NEW, owner=None)
    for finished in (State.RESOLVED, State.CLOSED, State.WITHDRAWN):
        make(nanning_market, state=finished)  # not open: no workload
    make(liuzhou_market)

    with django_assert_num_queries(1):
        load = case_workload(market_ids=[nanning_market.pk], by="officer")

    assert load == {
        (officer.pk, State.IN_PROGRESS): 1,
        (officer.pk, State.AWAITING_MATERIALS): 1,
        (team_lead.pk, State.IN_PROGRESS): 1,
        (None, State.NEW): 1,
    }
    assert case_workload(market_ids=[nanning_market.pk, liuzhou_market.pk], by="market") == {
        (nanning_market.pk, State.IN_PROGRESS): 2,
        (nanning_market.pk, State.AWAITING_MATERIALS): 1,
        (nanning_market.pk, State.NEW): 1,
        (liuzhou_market.pk, State.IN_PROGRESS): 1,
    }


def test_on_time_and_open_alerts_by_market(
    make: Callable[..., Case],
    nanning_market: Market,
    liuzhou_market: Market,
    django_assert_num_queries: Callable[[int], Any],
    frozen_time: time_machine.Traveller,
) -> None:
    now = local(2026, 11, 20, 12)
    # The counters are read at the time they are kept for: the days before it have no hours.
    frozen_time.move_to(now)
    due = now + timedelta(hours=3)
    clock_add(make(nanning_market), due_at=due)  # warned (a day before), not yet due: due soon
    clock_add(make(nanning_market), due_at=now - timedelta(hours=1))  # overdue
    clock_add(make(nanning_market), due_at=now + timedelta(days=5))  # not yet warned: neither
    # Paused before its due time: neither; paused after it: still overdue.
    clock_add(make(nanning_market), due_at=due, paused_at=now - timedelta(hours=1))
    clock_add(
        make(nanning_market), due_at=now - timedelta(hours=2), paused_at=now - timedelta(hours=1)
    )
    clock_add(make(liuzhou_market), due_at=now - timedelta(days=1))
    # Stopped in November: 1 of 2 on time in Nanning; a withdrawn one left out.
    clock_add(make(nanning_market), stopped_at=local(2026, 11, 3), met=True)
    clock_add(make(nanning_market), stopped_at=local(2026, 11, 4), met=False)
    clock_add(make(nanning_market), stopped_at=local(2026, 11, 4), met=None)
    clock_add(make(liuzhou_market), stopped_at=local(2026, 10, 31, 23), met=True)  # October
    ids = [nanning_market.pk, liuzhou_market.pk]

    with django_assert_num_queries(1):
        alerts = sla_open_alerts_by_market(market_ids=ids, now=now)
    with django_assert_num_queries(1):
        rates = sla_on_time_by_market(
            market_ids=ids, starts_at=local(2026, 11, 1), ends_before=local(2026, 12, 1)
        )

    assert alerts == {nanning_market.pk: (1, 2), liuzhou_market.pk: (0, 1)}
    assert rates == {nanning_market.pk: (2, 1)}  # Liuzhou finished nothing in November


def test_the_region_view_lists_the_markets_of_the_inspected_regions_only(
    nanning_market: Market, liuzhou_market: Market, inspector: User, officer: User
) -> None:
    from markets.models import Membership

    guangxi_wide = list(market_list_inspected(user=inspector))
    nanning_only = User.objects.create(username="nanning-inspector")
    Membership.objects.create(user=nanning_only, role=Role.INSPECTOR, region=nanning_market.region)

    assert guangxi_wide == [nanning_market, liuzhou_market]  # by region code
    assert list(market_list_inspected(user=nanning_only)) == [nanning_market]
    assert list(market_list_inspected(user=officer)) == []


CLOSED = 200


@pytest.mark.parametrize("by", ["officer", "market"])
def test_workload_is_read_from_the_partial_index_of_the_open_cases(
    make: Callable[..., Case], nanning_market: Market, by: str
) -> None:
    """Counted from ``case_open_workload`` alone: SQLite uses a partial index only when the
    query states its condition as the index does (written out, not bound); PostgreSQL only
    when the query's condition implies it. The plan is read with scans of the table made
    unattractive and the other indexes with the market gone (PostgreSQL) — the index must be
    usable, which is what this checks."""
    make(nanning_market)
    for _ in range(CLOSED):  # what the index is for: the few open among many finished
        make(nanning_market, state=State.CLOSED)
    sql, params = (
        Case.objects.filter(open_state_condition(), market_id__in=[nanning_market.pk])
        .values("owner_id" if by == "officer" else "market_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE cases_case")  # not what the earlier tests left
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            # The other indexes with the market would serve too (those that lead with it, and
            # the officer's open cases' ``case_owner_open_opened``, partial on the same states,
            # walked whole at this size): dropped inside the test's transaction (rolled back
            # with it).
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'cases_case' "
                "AND indexname <> 'case_open_workload' AND indexdef LIKE '%%market_id%%'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())

    assert "case_open_workload" in plan, plan
