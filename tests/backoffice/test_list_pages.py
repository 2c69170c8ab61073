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
from backoffice.common.pages import ORDERED_COUNT_CAP, BoundedPaginator, pages_read_together
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
    # Each page is one query; the filter reads the clocks in it once, to pick the ids, not
    # again: the rows' own clocks (their due cells) are joined by case, not filtered.
    assert len(queries.captured_queries) == 3  # the capped count, then the two pages
    for page in queries.captured_queries[1:]:
        sql = page["sql"]
        assert sql.count('"overdue_after" <') == 1, sql
        assert sql.count('INNER JOIN "sla_deadline"') == 1, sql  # the ids' walk
        assert sql.count('LEFT OUTER JOIN "sla_deadline"') == 1, sql  # the due cells


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
    # each page is then its rows by their ids, with each row's clock for its due cell (joined
    # by case), but no clock filtered or sorted again (opening order).
    ids, *page_queries = (query["sql"] for query in queries.captured_queries)
    assert len(page_queries) == 3
    assert "ORDER BY" in ids and ids.count('JOIN "sla_deadline"') == 1, ids
    assert "COUNT(" not in ids
    for sql in page_queries:
        assert '"overdue_after"' not in sql, sql
        assert sql.count('JOIN "sla_deadline"') == sql.count('LEFT OUTER JOIN "sla_deadline"')
        assert sql.count('LEFT OUTER JOIN "sla_deadline"') == 1, sql
    # Capped: 26 ids read, 25 shown in three pages, the count says "25+".
    assert capped.ids is not None and len(capped.ids) == 26
    assert (capped.count, capped.num_pages, capped.over_cap) == (25, 3, True)
    assert list(capped.page(3)) == list(overdue)[20:25]


@pytest.mark.django_db
def test_a_list_read_whole_is_counted_by_its_ids_in_its_order_whatever_the_cap(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    """A list whose rows the database reads whole and sorts (``in_order``) is counted by
    reading its ids in its order even with the long cap: one walk for the count and the
    pages. Without it, the long cap counts in a query of its own."""
    _late_and_on_time(officer, nanning_market)
    overdue = case_list_for_market(user=team_lead, market_id=nanning_market.pk, due="overdue")
    whole = BoundedPaginator(overdue, 10, cap=1000, in_order=True)
    counted = BoundedPaginator(overdue, 10, cap=1000)

    with CaptureQueriesContext(connection) as queries:
        pages = [list(whole.page(number)) for number in (1, 2, 3)]

    assert [case for page in pages for case in page] == list(overdue)
    assert (whole.count, whole.over_cap) == (30, False)
    ids, *page_queries = (query["sql"] for query in queries.captured_queries)
    assert len(page_queries) == 3
    assert "ORDER BY" in ids and "COUNT(" not in ids, ids
    with CaptureQueriesContext(connection) as queries:
        assert list(counted.page(1)) == pages[0]
    assert "COUNT(" in queries.captured_queries[0]["sql"]
    assert counted.ids is None


@pytest.mark.django_db
def test_pages_of_two_short_lists_read_their_rows_in_one_query_each_in_its_order(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    """The workbench's two queues of cases: the ids of each first (their counts), then the
    rows of both pages in one query, each page in its own list's order (here one list in two
    orders); a case in both lists is in both pages."""
    late = _late_and_on_time(officer, nanning_market)
    overdue = case_list_for_market(user=team_lead, market_id=nanning_market.pk, due="overdue")
    oldest = case_list_for_market(user=team_lead, market_id=nanning_market.pk, sort="oldest")
    first = BoundedPaginator(overdue, 10, cap=ORDERED_COUNT_CAP).page(2)
    second = BoundedPaginator(oldest, 25, cap=ORDERED_COUNT_CAP).page(1)
    expected = (list(overdue)[10:20], list(oldest)[:25])
    assert set(expected[0]) & set(expected[1])  # the 11th to 20th late cases are in both

    with CaptureQueriesContext(connection) as queries:
        pages_read_together(first, second)
        shown = (list(first), list(second))

    assert shown == expected
    assert {case.pk for case in shown[0]} <= {case.pk for case in late}
    assert len(queries.captured_queries) == 1
    assert '"overdue_after" <' not in queries.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_pages_of_lists_shown_differently_read_their_own_rows(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    _late_and_on_time(officer, nanning_market)
    cases = case_list_for_market(user=team_lead, market_id=nanning_market.pk, sort="oldest")
    other = Case.objects.order_by("pk")  # every column, no joins: another shape
    first = BoundedPaginator(cases, 5, cap=ORDERED_COUNT_CAP).page(1)
    second = BoundedPaginator(other, 5, cap=ORDERED_COUNT_CAP).page(1)

    with CaptureQueriesContext(connection) as queries:
        pages_read_together(first, second)
        shown = (list(first), list(second))

    assert shown == (list(cases)[:5], list(other)[:5])
    assert len(queries.captured_queries) == 2  # each page its own rows
