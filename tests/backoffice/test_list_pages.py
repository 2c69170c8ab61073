"""Pages of long lists (``backoffice.common.pages``): the page's rows are the list's, in its
order, read by the ids the list picked, without running the list's filters a second time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import applicant_make
from django.db import connection
from django.test.utils import CaptureQueriesContext
from test_case_query_bounds import bulk_cases, bulk_deadlines

from accounts.models import User
from backoffice.common.pages import ORDERED_COUNT_CAP, BoundedPaginator
from cases.models import Case, State
from cases.staff_selectors import case_list_for_market
from markets.models import Market


def _late_and_on_time(officer: User, market: Market) -> list[Case]:
    """30 of the officer's cases overdue and 10 on time; returns the late ones."""
    applicant = applicant_make(officer)
    late = bulk_cases(
        30,
        market=market,
        applicant=applicant,
        opener=officer,
        owner=officer,
        state=State.IN_PROGRESS,
    )
    bulk_deadlines(late, due_in=-timedelta(hours=1))
    on_time = bulk_cases(
        10,
        market=market,
        applicant=applicant,
        opener=officer,
        owner=officer,
        state=State.IN_PROGRESS,
    )
    bulk_deadlines(on_time, due_in=timedelta(days=3))
    return late


@pytest.mark.django_db
def test_a_page_is_the_lists_rows_in_its_order_read_without_its_filters_again(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    late = _late_and_on_time(officer, nanning_market)
    overdue = case_list_for_market(user=team_lead, market_id=nanning_market.pk, due="overdue")
    paginator = BoundedPaginator(overdue, 25)

    with CaptureQueriesContext(connection) as queries:
        first, second = list(paginator.page(1)), list(paginator.page(2))

    assert first + second == list(overdue)
    assert {case.pk for case in first + second} == {case.pk for case in late}
    # Each page is one query; the clocks are read in it once, to pick the ids, not again.
    assert len(queries.captured_queries) == 3  # the capped count, then the two pages
    for page in queries.captured_queries[1:]:
        assert page["sql"].count('"sla_deadline"') == 1, page["sql"]


@pytest.mark.django_db
def test_a_short_list_is_counted_by_its_ids_in_its_order_and_paged_from_them(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    _late_and_on_time(officer, nanning_market)
    overdue = case_list_for_market(user=team_lead, market_id=nanning_market.pk, due="overdue")
    short = BoundedPaginator(overdue, 10, cap=ORDERED_COUNT_CAP)
    capped = BoundedPaginator(overdue, 10, cap=25)

    with CaptureQueriesContext(connection) as queries:
        pages = [list(short.page(number)) for number in (1, 2, 3)]

    assert [case for page in pages for case in page] == list(overdue)
    assert short.count == 30 and not short.over_cap
    # One query reads the ids in the list's order, through the clocks (which is the count);
    # each page is then its rows by their ids, which reads no clock (opening order).
    ids, *page_queries = (query["sql"] for query in queries.captured_queries)
    assert len(page_queries) == 3
    assert "ORDER BY" in ids and ids.count('JOIN "sla_deadline"') == 1, ids
    assert "COUNT(" not in ids
    for sql in page_queries:
        assert '"sla_deadline"' not in sql, sql
    # Capped: 26 ids read, 25 shown in three pages, the count says "25+".
    assert capped.ids is not None and len(capped.ids) == 26
    assert (capped.count, capped.num_pages, capped.over_cap) == (25, 3, True)
    assert list(capped.page(3)) == list(overdue)[20:25]
