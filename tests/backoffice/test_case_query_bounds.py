"""The list pages run the same number of SQL queries for 10 cases as for 1 000: paginated,
with everything a row shows fetched in the page's own query (no query per row)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from conftest import applicant_make
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from cases.counters import case_counts_rebuild
from cases.models import Applicant, Case, State, Transfer
from cases.selectors import case_rows
from cases.sla_counters import sla_counters_rebuild
from cases.sla_selectors import case_deadline_map
from markets.models import Market
from sla.models import Deadline, Policy, Target

Clients = Callable[[User], Client]
SMALL, LARGE = 10, 1000
# Sessions, sign-in checks, rights, the navigation and the bell's unread count, then count +
# page for each list (the clocks of the cases shown come on their rows).
MAX_QUERIES = 15

# Numbered far above the services' (which count from 1 each year): both may meet in a test.
_serial: Iterator[int] = count(500_001)


def bulk_cases(
    n: int,
    *,
    market: Market,
    applicant: Applicant,
    opener: User,
    owner: User | None,
    state: str,
) -> list[Case]:
    """``n`` cases written directly (set-up only: no events, no history); the cases' dashboard
    counters counted again, as they are written around the services."""
    now = timezone.now()
    made = Case.objects.bulk_create(
        Case(
            reference=f"{market.region.code}-2026-{next(_serial):06d}",
            kind="policy_consultation",
            state=state,
            market=market,
            channel="counter",
            applicant=applicant,
            subject=f"批量咨询{i}",
            first_contact_officer=opener,
            owner=owner,
            opened_at=now,
        )
        for i in range(n)
    )
    case_counts_rebuild()
    return made


def bulk_deadlines(cases: list[Case], *, due_in: timedelta, **fields: Any) -> list[Deadline]:
    """A completion deadline for each case, due ``due_in`` from now, warned 2 hours before
    (set-up only: no policy computation, no change rows)."""
    now = timezone.now()
    policy = Policy.objects.get(kind="policy_consultation", target=Target.COMPLETION)
    made = Deadline.objects.bulk_create(
        Deadline(
            subject_type="cases.case",
            subject_id=case.pk,
            market_id=case.market_id,
            kind=case.kind,
            target=Target.COMPLETION,
            policy=policy,
            started_at=now - timedelta(days=1),
            due_at=now + due_in,
            warn_at=now + due_in - timedelta(hours=2),
            escalate_at=now + due_in + timedelta(days=2),
            **fields,
        )
        for case in cases
    )
    # Written around the clock services: the dashboard counters are counted again.
    sla_counters_rebuild()
    return made


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def assert_flat(
    client: Client,
    url: str,
    fill: Callable[[int], None],
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    fill(SMALL)
    client.get(url)  # the first request of a session writes to it; measure from the second
    small = queries(client, url)
    fill(LARGE - SMALL)
    large = queries(client, url)

    assert small == large, (small, large)
    with django_assert_max_num_queries(MAX_QUERIES):  # type: ignore[attr-defined]
        client.get(url)


@pytest.mark.django_db
def test_workbench_queries_do_not_grow_with_the_cases(
    verified_client: Clients,
    officer: User,
    team_lead: User,
    nanning_market: Market,
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    applicant = applicant_make(officer)

    def fill(n: int) -> None:
        common = {"market": nanning_market, "applicant": applicant, "opener": team_lead}
        mine = bulk_cases(n, owner=officer, state=State.IN_PROGRESS, **common)
        bulk_deadlines(mine, due_in=timedelta(hours=1))  # each row shows a badge
        bulk_cases(n, owner=None, state=State.NEW, **common)
        sent = bulk_cases(n, owner=team_lead, state=State.TRANSFER_PENDING, **common)
        Transfer.objects.bulk_create(
            Transfer(
                case=case,
                from_user=team_lead,
                to_market=nanning_market,
                to_user=officer,
                reason="请接手",
            )
            for case in sent
        )

    assert_flat(verified_client(officer), "/cases/", fill, django_assert_max_num_queries)


def clock_reads(client: Client, url: str) -> tuple[list[str], str]:
    """The statements of a request that read the clocks table on its own (not joined to the
    cases of a list), and the page."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    own = [q["sql"] for q in context.captured_queries if 'FROM "sla_deadline"' in q["sql"]]
    return own, response.content.decode()


@pytest.mark.django_db
def test_the_case_lists_read_each_rows_due_time_on_the_row(
    verified_client: Clients,
    officer: User,
    team_lead: User,
    nanning_market: Market,
) -> None:
    """The workbench's three queues and the market's list show each case's completion time
    limit from the clock joined to the row (``case_rows``), not from a query of their own."""
    applicant = applicant_make(officer)
    common = {"market": nanning_market, "applicant": applicant, "opener": team_lead}
    mine = bulk_cases(3, owner=officer, state=State.IN_PROGRESS, **common)
    bulk_deadlines(mine, due_in=-timedelta(hours=1))  # overdue
    unclaimed = bulk_cases(2, owner=None, state=State.NEW, **common)
    bulk_deadlines(unclaimed, due_in=timedelta(hours=1))  # due soon
    sent = bulk_cases(1, owner=team_lead, state=State.TRANSFER_PENDING, **common)
    bulk_deadlines(sent, due_in=timedelta(hours=1), paused_at=timezone.now())
    Transfer.objects.create(
        case=sent[0],
        from_user=team_lead,
        to_market=nanning_market,
        to_user=officer,
        reason="请接手",
    )
    bulk_cases(1, owner=officer, state=State.IN_PROGRESS, **common)  # no clock: a dash

    own, page = clock_reads(verified_client(officer), "/cases/")
    assert own == []
    assert page.count("badge-overdue") == 3
    assert page.count("badge-due_soon") == 2
    assert page.count("badge-paused") == 1
    assert '<span class="hint">—</span>' in page

    own, page = clock_reads(verified_client(team_lead), f"/cases/market/{nanning_market.pk}/")
    assert own == []
    assert page.count("badge-overdue") == 3
    assert page.count("badge-due_soon") == 2


@pytest.mark.django_db
def test_team_lead_list_queries_do_not_grow_with_the_cases(
    verified_client: Clients,
    officer: User,
    team_lead: User,
    nanning_market: Market,
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    applicant = applicant_make(officer)

    def fill(n: int) -> None:
        cases = bulk_cases(
            n,
            market=nanning_market,
            applicant=applicant,
            opener=officer,
            owner=officer,
            state=State.IN_PROGRESS,
        )
        bulk_deadlines(cases, due_in=-timedelta(hours=1))

    url = f"/cases/market/{nanning_market.pk}/?state=in_progress"
    assert_flat(verified_client(team_lead), url, fill, django_assert_max_num_queries)


@pytest.mark.django_db
def test_event_search_queries_do_not_grow_with_the_events(
    verified_client: Clients,
    inspector: User,
    officer: User,
    nanning_market: Market,
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    sequence = count(1)

    def fill(n: int) -> None:
        # Rows of a chain of their own (set-up only; the hashes are not what is tested here).
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor=officer,
                actor_label=officer.username,
                action="case.note_added",
                target_type="cases.case",
                target_id="1",
                target_label="批量",
                market=nanning_market,
                chain="bench",
                sequence=next(sequence),
                prev_hash="0" * 64,
                hash="0" * 64,
            )
            for _ in range(n)
        )

    assert_flat(verified_client(inspector), "/audit/events/", fill, django_assert_max_num_queries)


@pytest.mark.django_db
def test_the_due_cells_of_cases_read_without_their_clocks_are_read_in_one_query(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    """``case_deadline_map`` takes the clock a row brought (no query), and reads the clocks of
    cases that came without one all together: never a query per case."""
    applicant = applicant_make(officer)
    common = {"market": nanning_market, "applicant": applicant, "opener": team_lead}
    cases = bulk_cases(5, owner=officer, state=State.IN_PROGRESS, **common)
    clocks = {clock.subject_id: clock for clock in bulk_deadlines(cases, due_in=timedelta(1))}
    with_clocks = list(case_rows(Case.objects.filter(pk__in=[c.pk for c in cases])))
    without = list(Case.objects.filter(pk__in=[c.pk for c in cases]))

    with CaptureQueriesContext(connection) as joined:
        on_rows = case_deadline_map(with_clocks)
    with CaptureQueriesContext(connection) as apart:
        read = case_deadline_map([*without, with_clocks[0]])

    assert len(joined) == 0 and len(apart) == 1
    for found in (on_rows, read):
        assert {key: clock.due_at for key, clock in found.items()} == {
            (pk, Target.COMPLETION): clock.due_at for pk, clock in clocks.items()
        }
