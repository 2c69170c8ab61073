"""The big screen runs the same few SQL queries for 10 published postings as for 200: one page
of postings with what a card shows fetched alongside, and today's figures and charts as
aggregates."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from portal_support import organisation_employer, postings_bulk

from markets.models import Market

# The market, the number of postings, one page of them, today's postings (hour by hour, with
# the published postings' wage level: one aggregate), today's seekers and today's cases, and
# the latest published month's figures (one indexed row, stats.selectors.screen_figures).
MAX_QUERIES = 7


def screen_queries(client: Client, market: Market, page: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/portal/{market.pk}/screen/", {"page": page})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", [1, 2])
def test_big_screen_queries_do_not_grow_with_the_postings(
    client: Client, nanning_market: Market, page: int
) -> None:
    employer = organisation_employer()
    postings_bulk(10, market=nanning_market, employer=employer)
    few = screen_queries(client, nanning_market, page)

    postings_bulk(190, market=nanning_market, employer=employer)
    many = screen_queries(client, nanning_market, page)

    assert few == many
    assert many <= MAX_QUERIES
