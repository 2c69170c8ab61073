"""The one filter of the case lists (``cases.selectors.cases_filtered``): every criterion
narrows the list to exactly the cases it names, the sorts are the whitelisted ones, and on
PostgreSQL every filter of a market's list is read through an index of its own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from case_support import market_make, staff_make
from conftest import SHANGHAI, applicant_make, case_make
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from backoffice.common.pages import list_plans
from cases.models import Case, Channel, State
from cases.selectors import CASE_SORTS, case_list_mine, case_list_visible, cases_filtered
from cases.staff_selectors import case_list_for_market
from markets.models import Market, Role, ServiceStation
from sla.models import Deadline, Target
from sla.selectors import DUE_OVERDUE, DUE_THIS_WEEK, DUE_TODAY

# A Wednesday, 10:00 in Nanning (02:00 UTC): "this week" runs to Sunday night.
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=SHANGHAI)


def _set(case: Case, **fields: Any) -> Case:
    """Set-up only: a queryset update (the state field is protected on the instance); a
    channel or a station on the case's clocks too, as intake writes them."""
    Case.objects.filter(pk=case.pk).update(**fields)
    kept = {name: value for name, value in fields.items() if name in ("channel", "station")}
    Deadline.objects.filter(subject_type="cases.case", subject_id=case.pk).update(**kept)
    case.refresh_from_db()
    return case


def _due(case: Case, at: datetime, **fields: Any) -> None:
    Deadline.objects.filter(
        subject_type="cases.case", subject_id=case.pk, target=Target.COMPLETION
    ).update(due_at=at, warn_at=at - timedelta(hours=2), **fields)


@pytest.fixture
def cases(officer: User, team_lead: User, nanning_market: Market) -> dict[str, Case]:
    """Six cases of Nanning's market, each different in one respect from the first."""
    station = ServiceStation.objects.create(market=nanning_market, name="朝阳站", address="朝阳路")
    applicant = applicant_make(officer)
    made = {
        name: case_make(officer, applicant=applicant, subject=name)
        for name in ("plain", "closed", "lead", "phone", "station", "old")
    }
    _set(made["closed"], state=State.CLOSED)
    _set(made["lead"], owner=team_lead)
    _set(made["phone"], channel=Channel.PHONE)
    _set(made["station"], station=station)
    _set(made["old"], opened_at=NOW - timedelta(days=40))
    for case in made.values():
        _due(case, NOW + timedelta(days=30))  # none due soon, unless a test says so
    return made


def _names(queryset: Any) -> list[str]:
    return [case.subject for case in queryset]


def _filtered(user: User, **criteria: Any) -> list[str]:
    return sorted(_names(cases_filtered(case_list_visible(user=user), now=NOW, **criteria)))


@pytest.mark.django_db
def test_each_criterion_narrows_the_list_to_the_cases_it_names(
    cases: dict[str, Case], team_lead: User, officer: User
) -> None:
    station = cases["station"].station
    assert station is not None
    everything = sorted(cases)

    assert _filtered(team_lead) == everything
    assert _filtered(team_lead, state=State.CLOSED) == ["closed"]
    assert _filtered(team_lead, kind="policy_consultation") == everything
    assert _filtered(team_lead, kind="complaint") == []
    assert _filtered(team_lead, owner_id=team_lead.pk) == ["lead"]
    assert _filtered(team_lead, channel=Channel.PHONE) == ["phone"]
    assert _filtered(team_lead, station_id=station.pk) == ["station"]
    old_day = timezone.localdate(NOW - timedelta(days=40))
    assert _filtered(team_lead, opened_to=old_day) == ["old"]
    assert _filtered(team_lead, opened_from=old_day + timedelta(days=1)) == sorted(
        set(everything) - {"old"}
    )
    assert _filtered(team_lead, opened_from=old_day, opened_to=old_day) == ["old"]
    # Criteria combine.
    assert _filtered(team_lead, owner_id=officer.pk, channel=Channel.PHONE) == ["phone"]
    assert _filtered(team_lead, owner_id=team_lead.pk, channel=Channel.PHONE) == []


@pytest.mark.django_db
def test_due_filters_read_the_completion_clock(cases: dict[str, Case], team_lead: User) -> None:
    _due(cases["plain"], NOW - timedelta(hours=1))  # overdue
    _due(cases["closed"], NOW - timedelta(hours=1), stopped_at=NOW - timedelta(days=2))  # done
    _due(cases["lead"], NOW + timedelta(hours=3))  # later today
    _due(cases["phone"], NOW + timedelta(days=3))  # Saturday
    _due(cases["station"], NOW + timedelta(days=5))  # next Monday
    # Paused before its due time: its due time moves when it goes on, it is none of these.
    _due(cases["old"], NOW - timedelta(hours=1), paused_at=NOW - timedelta(hours=2))

    assert _filtered(team_lead, due=DUE_OVERDUE) == ["plain"]
    assert _filtered(team_lead, due=DUE_TODAY) == ["lead"]
    assert _filtered(team_lead, due=DUE_THIS_WEEK) == ["lead", "phone"]
    # Paused once overdue: stays overdue.
    _due(cases["old"], NOW - timedelta(hours=3), paused_at=NOW - timedelta(hours=2))
    assert _filtered(team_lead, due=DUE_OVERDUE) == ["old", "plain"]


@pytest.mark.django_db
def test_the_sorts_are_the_whitelisted_ones_and_each_is_total(
    cases: dict[str, Case], team_lead: User, nanning_market: Market
) -> None:
    same = timezone.now()
    Case.objects.filter(pk__in=[c.pk for c in cases.values()]).exclude(pk=cases["old"].pk).update(
        opened_at=same
    )
    newest = list(case_list_for_market(user=team_lead, market_id=nanning_market.pk))
    oldest = list(case_list_for_market(user=team_lead, market_id=nanning_market.pk, sort="oldest"))
    by_reference = list(
        case_list_for_market(user=team_lead, market_id=nanning_market.pk, sort="reference")
    )

    # Equal opening times are ordered by id: a page boundary never shuffles.
    assert newest == oldest[::-1]
    assert newest[-1] == cases["old"]
    assert [c.reference for c in by_reference] == sorted(c.reference for c in cases.values())
    assert set(CASE_SORTS) == {"newest", "oldest", "reference", "-reference", "due"}
    with pytest.raises(ValueError, match="opened_at; drop table"):
        cases_filtered(Case.objects.all(), sort="opened_at; drop table")
    # Most urgent first is the order of cases that are due: without a due filter, refused.
    with pytest.raises(ValueError, match="due"):
        cases_filtered(Case.objects.all(), sort="due")


@pytest.mark.django_db
def test_a_due_list_is_most_urgent_first_with_equal_due_times_by_id(
    cases: dict[str, Case], team_lead: User, nanning_market: Market
) -> None:
    _due(cases["phone"], NOW + timedelta(days=3))
    _due(cases["lead"], NOW + timedelta(hours=3))
    _due(cases["station"], NOW + timedelta(hours=3))
    _due(cases["plain"], NOW + timedelta(days=1))

    week = case_list_for_market(
        user=team_lead, market_id=nanning_market.pk, due=DUE_THIS_WEEK, sort="due", now=NOW
    )

    # Lead and station are due at the same time: the one opened first (smaller id) first.
    assert _names(week) == ["lead", "station", "plain", "phone"]


@pytest.mark.django_db
@pytest.mark.parametrize("state", [State.RESOLVED, State.CLOSED, State.WITHDRAWN])
def test_a_finished_state_with_a_due_filter_is_empty_without_reading_the_clocks(
    cases: dict[str, Case],
    team_lead: User,
    nanning_market: Market,
    state: str,
    django_assert_num_queries: Any,
) -> None:
    """A finished case's clocks are stopped (``case_save``), so none is ever due: the list
    says so without reading every due clock of the market for none of them to match."""
    _due(cases["closed"], NOW - timedelta(hours=1))  # even a clock left running by mistake

    cases_due = cases_filtered(
        case_list_visible(user=team_lead), state=state, due=DUE_OVERDUE, now=NOW
    )

    with django_assert_num_queries(0):
        assert list(cases_due) == []


@pytest.mark.django_db
def test_the_market_list_keeps_to_its_market_whatever_the_filter(
    cases: dict[str, Case], team_lead: User, nanning_market: Market, liuzhou: Any
) -> None:
    other = market_make("450200", "柳州市")
    colleague = staff_make("liuzhou_officer", Role.OFFICER, other)
    elsewhere = case_make(colleague, market=other, subject="elsewhere")
    _due(elsewhere, NOW - timedelta(hours=1))
    _due(cases["plain"], NOW - timedelta(hours=1))

    listed = case_list_for_market(
        user=team_lead, market_id=nanning_market.pk, due=DUE_OVERDUE, now=NOW
    )

    assert _names(listed) == ["plain"]


# --- PostgreSQL: each filter through an index ----------------------------------------------

ROWS = 4000


def _page_plan(query: QuerySet[Any]) -> str:
    """The plan of a list's query as its page plans it: the workbench and the market's list
    run under ``list_plans`` (PostgreSQL), never with the server's settings, on which a plan
    also turned with the table sizes earlier tests of the same process had left."""
    with list_plans():
        return query.explain()


def _many(market: Market, applicant: Any, officer: User, station: ServiceStation | None) -> None:
    kinds = ["policy_consultation", "complaint", "job_guidance", "training_referral"]
    channels = [c for c, _label in Channel.choices]
    states = [s for s, _label in State.choices]
    start = NOW - timedelta(days=400)
    Case.objects.bulk_create(
        (
            Case(
                reference=f"{market.region.code}-2025-{n:06d}",
                kind=kinds[n % len(kinds)],
                state=states[n % len(states)],
                market=market,
                station=station if n % 50 == 0 else None,
                channel=channels[n % len(channels)],
                applicant=applicant,
                subject=f"批量{n}",
                first_contact_officer=officer,
                # A new case is nobody's (the services keep it so): no owner until claimed.
                owner=officer if n % 97 == 0 and states[n % len(states)] != State.NEW else None,
                opened_at=start + timedelta(minutes=137 * n),
            )
            for n in range(ROWS)
        ),
        batch_size=1000,
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="EXPLAIN is about PostgreSQL's planner and the indexes production relies on",
)
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("criteria", "index"),
    [
        ({}, "case_market_opened"),
        ({"state": State.NEW}, "case_market_state_opened"),
        ({"kind": "complaint"}, "case_market_kind_opened"),
        ({"channel": Channel.PHONE}, "case_market_channel_opened"),
        ({"owner": True}, "case_owner_opened"),
        # A station alone: its own index, or the market's (half the cases of a market).
        ({"station": True}, "case_station_state_opened|case_market_opened"),
        ({"station": True, "state": State.NEW}, "case_station_state_opened"),
        ({"opened_from": date(2025, 6, 1), "opened_to": date(2025, 6, 30)}, "case_market_opened"),
        ({"sort": "oldest"}, "case_market_opened"),
        # With one market only in the table, the reference's own unique index is as good.
        ({"sort": "reference"}, "case_market_reference|cases_case_reference_key"),
        ({"sort": "-reference"}, "case_market_reference|cases_case_reference_key"),
    ],
)
def test_every_filter_of_the_market_list_reads_an_index(
    team_lead: User,
    officer: User,
    nanning_market: Market,
    criteria: dict[str, Any],
    index: str,
) -> None:
    station = ServiceStation.objects.create(market=nanning_market, name="朝阳站", address="朝阳路")
    _many(nanning_market, applicant_make(officer), officer, station)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    if criteria.pop("owner", False):
        criteria["owner_id"] = officer.pk
    if criteria.pop("station", False):
        criteria["station_id"] = station.pk

    query = case_list_for_market(user=team_lead, market_id=nanning_market.pk, **criteria)[:25]
    plan = _page_plan(query)

    assert "Seq Scan on cases_case" not in plan, plan
    assert any(name in plan for name in index.split("|")), plan
    # Every case of the lead's market is the lead's to see: no transfer is read to decide it.
    assert "cases_transfer" not in plan, plan


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["due", "newest"])
@pytest.mark.parametrize("due", [DUE_OVERDUE, DUE_TODAY, DUE_THIS_WEEK])
def test_every_due_filter_reads_its_clocks_as_one_range_of_one_index(
    team_lead: User, officer: User, nanning_market: Market, due: str, sort: str
) -> None:
    """However many clocks are open or paused, a due filter reads its clocks through an
    index: one range of ``overdue_after`` on the (market, overdue_after) index, or, where the
    planner walks the cases and stops at the page's 25th, the one clock of each case by its
    own key (with its ``overdue_after``); never a scan of either table."""
    _many_with_clocks(nanning_market, officer)
    query = case_list_for_market(
        user=team_lead, market_id=nanning_market.pk, due=due, sort=sort, now=NOW
    )

    plan = _page_plan(query[:25])

    clock_indexes = ("deadline_market_overdue", "deadline_subject_due", "deadline_one_per_target")
    assert any(index in plan for index in clock_indexes), plan
    assert not any(
        scan in plan
        for scan in ("Seq Scan on sla_deadline", "Seq Scan on cases_case", "SCAN U0", "SCAN cases")
    ), plan


@pytest.mark.django_db
@pytest.mark.parametrize("due", [DUE_OVERDUE, DUE_TODAY, DUE_THIS_WEEK])
def test_an_owners_due_list_reads_the_owners_clocks_in_due_order(
    team_lead: User, officer: User, nanning_market: Market, due: str
) -> None:
    """The workbench's "mine" and the market list filtered by owner, with a due filter: one
    range of the owner's clocks (the (officer, overdue_after) index), not every open case of
    the owner probed for its clock, nor every due clock of the market checked for its owner."""
    _many_with_clocks(nanning_market, officer, owners_due_later=400)
    query = case_list_for_market(
        user=team_lead,
        market_id=nanning_market.pk,
        owner_id=officer.pk,
        due=due,
        sort="due",
        now=NOW,
    )

    plan = _page_plan(query[:25])

    assert "deadline_officer_overdue" in plan, plan
    market_due = case_list_for_market(
        user=team_lead, market_id=nanning_market.pk, due=due, sort="due", now=NOW
    )
    owners = [case.pk for case in market_due if case.owner_id == officer.pk]
    assert len(owners) >= 2  # the set-up has the officer's clocks in every due window
    assert [case.pk for case in query[:25]] == owners[:25]


@pytest.mark.django_db
@pytest.mark.parametrize("due", [DUE_OVERDUE, DUE_TODAY, DUE_THIS_WEEK])
def test_a_markets_due_list_of_new_cases_never_reads_the_officers_clock_index(
    team_lead: User, officer: User, nanning_market: Market, due: str
) -> None:
    """The market's (and the workbench's unclaimed) due list of new cases, narrowed to the
    clocks nobody has (a new case is nobody's), lists exactly the market's due new cases and is
    never read from the officers' index, which holds only the clocks somebody has (SQLite read
    the clocks nobody has there, every market's, for one market's list). Which other index a
    plan takes depends on the sizes (SQLite, at this one, reads the market's new cases)."""
    _many_with_clocks(nanning_market, officer)
    query = case_list_for_market(
        user=team_lead,
        market_id=nanning_market.pk,
        state=State.NEW,
        due=due,
        sort="due",
        now=NOW,
    )

    plan = _page_plan(query[:25])

    assert "deadline_officer_overdue" not in plan, plan
    market_due = case_list_for_market(
        user=team_lead, market_id=nanning_market.pk, due=due, sort="due", now=NOW
    )
    new = [case.pk for case in market_due if case.state == State.NEW]
    assert len(new) >= 2
    assert [case.pk for case in query[:25]] == new[:25]


@pytest.mark.django_db
def test_an_officers_own_cases_at_a_station_are_read_and_seen_from_the_owners_index(
    officer: User, nanning_market: Market
) -> None:
    """The workbench's own cases narrowed to a station: the officer's open cases at the
    station, newest first, and whether the officer may see each one (its market, its
    first-contact officer), all from ``case_owner_state_opened``, not each case's row (4 978
    of them at 5 000 000 cases, 12 ms)."""
    station = ServiceStation.objects.create(market=nanning_market, name="朝阳站", address="朝阳路")
    _many(nanning_market, applicant_make(officer), officer, station)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    mine = cases_filtered(
        case_list_mine(user=officer),
        market_ids=[nanning_market.pk],
        owner_id=officer.pk,
        station_id=station.pk,
    )
    ids = mine.values_list("pk", flat=True)[:101]

    plan = _page_plan(ids)

    assert list(ids) == [
        case.pk
        for case in case_list_mine(user=officer).order_by(*CASE_SORTS["newest"])
        if case.station_id == station.pk
    ]
    if connection.vendor == "postgresql":  # SQLite reads the officer's open cases' index
        owners_indexes = ("case_owner_open_opened", "case_owner_state_opened")
        assert any(
            f"Index Only Scan {way}using {index}" in plan
            for way in ("", "Backward ")
            for index in owners_indexes
        ), plan


def _officers_cases(market: Market, officer: User) -> None:
    """6 000 cases of ``officer``, the finished ones (three in five) between the open ones (in
    progress or awaiting materials): more open cases than a page, so that reading them all and
    sorting them costs more than walking the first ones in order; kinds and channels spread
    over them."""
    kinds = ["policy_consultation", "complaint", "job_guidance", "training_referral"]
    channels = [c for c, _label in Channel.choices]
    applicant = applicant_make(officer)
    start = NOW - timedelta(days=900)
    Case.objects.bulk_create(
        (
            Case(
                reference=f"{market.region.code}-2024-{n:06d}",
                kind=kinds[n // 5 % len(kinds)],
                state=[
                    State.IN_PROGRESS,
                    State.CLOSED,
                    State.AWAITING_MATERIALS,
                    State.RESOLVED,
                    State.CLOSED,
                ][n % 5],
                market=market,
                channel=channels[n // 5 % len(channels)],
                applicant=applicant,
                subject=f"经办{n}",
                first_contact_officer=officer,
                owner=officer,
                opened_at=start + timedelta(minutes=211 * n),
            )
            for n in range(6000)
        ),
        batch_size=1000,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "criteria",
    [
        {},
        {"sort": "oldest"},
        {"kind": "complaint"},
        {"channel": Channel.PHONE},
    ],
    ids=["newest", "oldest", "kind", "channel"],
)
def test_an_officers_open_cases_are_one_range_of_their_own_index(
    officer: User, nanning_market: Market, criteria: dict[str, Any]
) -> None:
    """The workbench's own cases, filtered or not, newest or oldest first: the first rows of
    one range of ``case_owner_open_opened`` (the officer's open cases only, in the lists'
    order), read from the index alone, not a walk of all the officer's cases that steps over
    the finished ones and looks each up in the table (PostgreSQL). At a station: the test
    above."""
    _officers_cases(nanning_market, officer)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    mine = cases_filtered(
        case_list_mine(user=officer),
        market_ids=[nanning_market.pk],
        owner_id=officer.pk,
        **criteria,
    )
    ids = mine.values_list("pk", flat=True)[:101]

    plan = _page_plan(ids)

    sort = CASE_SORTS[criteria.get("sort", "newest")]
    expected = [
        case.pk
        for case in Case.objects.filter(owner=officer).order_by(*sort)
        if case.is_open
        and all(getattr(case, name) == value for name, value in criteria.items() if name != "sort")
    ][:101]
    assert len(expected) >= 20
    assert list(ids) == expected
    if connection.vendor == "postgresql":  # SQLite walks case_owner_opened (models.py says why)
        assert "Index Only Scan" in plan and "using case_owner_open_opened" in plan, plan
        assert "Sort" not in plan, plan


def _station_due_list(
    team_lead: User, officer: User, market: Market, due: str, sort: str, state: str = State.NEW
) -> tuple[QuerySet[Case], list[int]]:
    """``_many_with_clocks``' cases, 60 new ones and 30 in progress at a station, the new
    ones' clocks running and due an hour ago, later today and this week (a third each), and
    those 60 in ``state`` (the officer's, unless new; "": left new): the station's cases in
    ``state`` (any: "") with ``due`` in ``sort`` order, and the ids the market's due list
    narrowed to them lists."""
    _many_with_clocks(market, officer)
    station = ServiceStation.objects.create(market=market, name="朝阳站", address="朝阳路")
    many = Case.objects.filter(market=market, subject__startswith="批量").order_by("pk")
    new = list(many.filter(state=State.NEW).values_list("pk", flat=True)[:60])
    in_progress = many.filter(state=State.IN_PROGRESS).values_list("pk", flat=True)[:30]
    at_station = [*new, *in_progress]
    Case.objects.filter(pk__in=at_station).update(station=station)
    clocks = Deadline.objects.filter(subject_type="cases.case", subject_id__in=at_station)
    clocks.update(station=station)  # as intake writes them
    if state not in ("", State.NEW):
        Case.objects.filter(pk__in=new).update(state=state, owner=officer)
        clocks.filter(subject_id__in=new).update(officer=officer)
    offsets = (timedelta(hours=-1), timedelta(hours=3), timedelta(days=2))
    for n, pk in enumerate(new):
        at = NOW + offsets[n % 3] + timedelta(minutes=n)
        Deadline.objects.filter(
            subject_type="cases.case", subject_id=pk, target=Target.COMPLETION
        ).update(due_at=at, warn_at=at - timedelta(hours=2), paused_at=None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    criteria = {"due": due, "sort": sort, "now": NOW}
    market_due = case_list_for_market(user=team_lead, market_id=market.pk, **criteria)
    expected = [
        case.pk
        for case in market_due
        if case.station_id == station.pk and case.state == (state or case.state)
    ]
    assert len(expected) >= 20, due  # a third of the 60, or more this week
    query = case_list_for_market(
        user=team_lead, market_id=market.pk, station_id=station.pk, state=state, **criteria
    )
    return query, expected


@pytest.mark.django_db
@pytest.mark.parametrize("state", [State.NEW, State.TRANSFER_PENDING, ""])
@pytest.mark.parametrize("sort", ["due", "newest"])
@pytest.mark.parametrize("due", [DUE_OVERDUE, DUE_TODAY, DUE_THIS_WEEK])
def test_a_stations_due_list_in_one_state_lists_the_stations_cases_of_the_markets_due_list(
    team_lead: User, officer: User, nanning_market: Market, due: str, sort: str, state: str
) -> None:
    query, expected = _station_due_list(team_lead, officer, nanning_market, due, sort, state)

    assert [case.pk for case in query] == expected


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="about SQLite's planner, which has no statistics across two tables",
)
@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["due", "newest"])
@pytest.mark.parametrize("due", [DUE_OVERDUE, DUE_TODAY, DUE_THIS_WEEK])
def test_on_sqlite_a_stations_due_list_in_a_state_few_are_in_reads_the_stations_cases_first(
    team_lead: User, officer: User, nanning_market: Market, due: str, sort: str
) -> None:
    """A station's cases in a state few are in (a transfer waiting) are fewer than the
    station's clocks in a due range (a week of them on a Monday): SQLite reads those cases
    from the station's index and each one's clock by its own key. Left to itself, having no
    statistics across the two tables, it walked the clocks in the range, each one's case: 63
    ms at 1 M cases on a Monday (bench/README.md, "Monday just after midnight"). PostgreSQL
    weighs it with its statistics, which a table of a few thousand rows does not show."""
    query, _expected = _station_due_list(
        team_lead, officer, nanning_market, due, sort, state=State.TRANSFER_PENDING
    )

    plan = _page_plan(query[:25])

    assert "case_station_state_opened" in plan, plan
    assert "deadline_market_overdue" not in plan and "deadline_station_due" not in plan, plan


@pytest.mark.django_db
@pytest.mark.parametrize("state", [State.NEW, ""])
@pytest.mark.parametrize("sort", ["due", "newest"])
@pytest.mark.parametrize("due", [DUE_OVERDUE, DUE_TODAY, DUE_THIS_WEEK])
def test_a_stations_cases_due_new_or_in_any_state_are_one_range_of_the_stations_clocks(
    team_lead: User, officer: User, nanning_market: Market, due: str, sort: str, state: str
) -> None:
    """A station's cases with a due filter, new or in any state: the clocks keep their case's
    station and whose they are (a new case is nobody's), so the list is the station's clocks
    in the range, the new ones told apart in their own index (``deadline_station_due``), each
    one's case asked only for what its clock cannot say; not every new case of the station
    (16 840 of them at 5 000 000 cases, 68 ms), nor every clock of the market in the range.
    SQLite, which has no statistics across the two tables, is told; PostgreSQL weighs the two
    with its statistics (reading the few new cases of this set-up's station first is as
    good)."""
    query, _expected = _station_due_list(team_lead, officer, nanning_market, due, sort, state)

    plan = _page_plan(query[:25])

    station: tuple[str, ...] = ("deadline_station_due",)
    if connection.vendor == "postgresql":
        station = (*station, "case_station_state_opened")
    assert any(index in plan for index in station), plan
    assert "deadline_market_overdue" not in plan, plan


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["due", "newest"])
@pytest.mark.parametrize("due", [DUE_OVERDUE, DUE_TODAY, DUE_THIS_WEEK])
def test_a_channels_due_list_is_one_range_of_the_channels_clocks(
    team_lead: User, officer: User, nanning_market: Market, due: str, sort: str
) -> None:
    """The phone's overdue cases: the clocks keep their case's channel, so the list is one
    range of the market's clocks of that channel (``deadline_channel_due``), not every clock
    of the market in the range each asking its case (5 600 of them for a page of the phone's
    at 1 000 000 cases), and lists what the market's due list narrowed to the channel does.
    In another order the channel's cases may be walked instead, each asking its clock."""
    _many_with_clocks(nanning_market, officer)
    criteria = {"due": due, "sort": sort, "now": NOW}
    market_due = case_list_for_market(user=team_lead, market_id=nanning_market.pk, **criteria)
    expected = [case.pk for case in market_due if case.channel == Channel.PHONE]
    assert len(expected) >= 10, due

    query = case_list_for_market(
        user=team_lead, market_id=nanning_market.pk, channel=Channel.PHONE, **criteria
    )

    plan = _page_plan(query[:25])
    assert [case.pk for case in query] == expected
    channel = (
        ("deadline_channel_due",)
        if sort == "due"
        else ("deadline_channel_due", "case_market_channel_opened")
    )
    assert any(index in plan for index in channel), plan
    assert "deadline_market_overdue" not in plan, plan


def _owned_counted(market: Market) -> Iterator[tuple[int, int, int | None, str, int | None]]:
    """(the count of owned cases before this one, case id, owner id, channel, station id) of
    ``_many``'s cases."""
    owned = 0
    for case_id, owner_id, channel, station_id in (
        Case.objects.filter(market=market, subject__startswith="批量")
        .order_by("pk")
        .values_list("pk", "owner_id", "channel", "station_id")
    ):
        yield owned, case_id, owner_id, channel, station_id
        owned += owner_id is not None


def _many_with_clocks(market: Market, officer: User, *, owners_due_later: int = 0) -> None:
    """``_many``'s cases, each with an open completion clock due over two months around now
    (a tenth of them paused), whose officer is the case's owner as the services keep it. The
    owner's clocks fall every six hours over five days either side of now, so that some are
    overdue, some due later today and some this week. ``owners_due_later`` more open cases of
    the owner have clocks due a month or more ahead: a due list is then a few of an officer's
    many open cases, as in service (with ``_many``'s forty or so alone, PostgreSQL could probe
    each case for its clock for about what the clocks' range costs, and its plan turned on the
    statistics earlier tests of the same process had left)."""
    applicant = applicant_make(officer)
    model = Deadline.objects.get(
        subject_id=case_make(officer, applicant=applicant).pk, target=Target.COMPLETION
    )
    _many(market, applicant, officer, None)

    def clock(
        case_id: int,
        owner_id: int | None,
        channel: str,
        station_id: int | None,
        due_at: datetime,
        paused: bool = False,
    ) -> Deadline:
        return Deadline(
            subject_type=model.subject_type,
            subject_id=case_id,
            market=market,
            kind=model.kind,
            target=Target.COMPLETION,
            policy=model.policy,
            officer_id=owner_id,
            channel=channel,
            station_id=station_id,
            started_at=NOW - timedelta(days=40),
            due_at=due_at,
            warn_at=NOW,
            escalate_at=NOW,
            paused_at=NOW - timedelta(days=1) if paused else None,
        )

    clocks = [
        clock(
            case_id,
            owner_id,
            channel,
            station_id,
            NOW + timedelta(hours=n % 1440 - 720 if owner_id is None else 6 * i - 120),
            paused=n % 10 == 0,
        )
        for n, (i, case_id, owner_id, channel, station_id) in enumerate(_owned_counted(market))
    ]
    later = Case.objects.bulk_create(
        Case(
            reference=f"{market.region.code}-2024-{n:06d}",
            kind=model.kind,
            state=State.IN_PROGRESS,
            market=market,
            channel=Channel.COUNTER,
            applicant=applicant,
            subject=f"稍后{n}",
            first_contact_officer=officer,
            owner=officer,
            opened_at=NOW - timedelta(days=20, minutes=n),
        )
        for n in range(owners_due_later)
    )
    clocks += [
        clock(case.pk, officer.pk, case.channel, None, NOW + timedelta(days=30, hours=n))
        for n, case in enumerate(later)
    ]
    Deadline.objects.bulk_create(clocks)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
