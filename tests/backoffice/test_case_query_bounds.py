"""The list pages run the same number of SQL queries for 10 cases as for 1 000: paginated,
with everything a row shows fetched in the page's own query (no query per row)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import count

import pytest
from conftest import applicant_make
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant, Case, State, Transfer
from markets.models import Market

Clients = Callable[[User], Client]
SMALL, LARGE = 10, 1000
# Sessions, sign-in checks, rights and the navigation, then count + page for each list
# (13, 10 and 10 today).
MAX_QUERIES = 15

_serial: Iterator[int] = count(1)


def bulk_cases(
    n: int,
    *,
    market: Market,
    applicant: Applicant,
    opener: User,
    owner: User | None,
    state: str,
) -> list[Case]:
    """``n`` cases written directly (set-up only: no events, no history)."""
    now = timezone.now()
    return Case.objects.bulk_create(
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
        bulk_cases(n, owner=officer, state=State.IN_PROGRESS, **common)
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
        bulk_cases(
            n,
            market=nanning_market,
            applicant=applicant,
            opener=officer,
            owner=officer,
            state=State.IN_PROGRESS,
        )

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
