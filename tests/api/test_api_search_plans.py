"""The public search reads the index its order needs: a wage range on a working day walks the
newest published postings and stops at the page's last match, instead of reading every
posting still running and sorting them all (bench/api.py measures it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from api_support import published, qingxiu  # noqa: F401
from django.db import connection
from django.utils import timezone

from api import selectors
from api.filters import PostingFilter
from workflows.postings.models import Posting

pytestmark = pytest.mark.django_db


def _search(**params: str) -> list[Posting]:
    found = PostingFilter(params, queryset=selectors.posting_list_public())
    assert found.is_valid(), found.errors
    return list(found.qs)


def test_a_working_day_finds_the_postings_that_run_on_it(published: Posting) -> None:
    start, end = published.start_date, published.end_date

    assert _search(works_on=start.isoformat()) == [published]
    assert _search(works_on=end.isoformat()) == [published]
    assert _search(works_on=(end + timedelta(days=1)).isoformat()) == []
    assert _search(works_on=(start - timedelta(days=1)).isoformat()) == []


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="about SQLite's planner choosing the end_date index"
)
def test_a_wage_range_on_a_working_day_walks_the_newest_published_first(
    published: Posting,
) -> None:
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    found = PostingFilter(
        {"wage_min": "150", "wage_max": "300", "works_on": day},
        queryset=selectors.posting_list_public(),
    )
    assert found.is_valid(), found.errors

    plan = found.qs.order_by("-published_at", "-pk")[:21].explain()

    assert "end_date" not in plan, plan
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
