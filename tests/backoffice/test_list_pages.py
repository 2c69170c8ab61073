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
from backoffice.common.pages import BoundedPaginator
from cases.models import State
from cases.staff_selectors import case_list_for_market
from markets.models import Market


@pytest.mark.django_db
def test_a_page_is_the_lists_rows_in_its_order_read_without_its_filters_again(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    applicant = applicant_make(officer)
    late = bulk_cases(
        30,
        market=nanning_market,
        applicant=applicant,
        opener=officer,
        owner=officer,
        state=State.IN_PROGRESS,
    )
    bulk_deadlines(late, due_in=-timedelta(hours=1))
    on_time = bulk_cases(
        10,
        market=nanning_market,
        applicant=applicant,
        opener=officer,
        owner=officer,
        state=State.IN_PROGRESS,
    )
    bulk_deadlines(on_time, due_in=timedelta(days=3))
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
