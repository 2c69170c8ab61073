"""The search box as an action: a search by ID number or mobile is recorded in the event log
(in the same transaction as the read, so no such search goes unrecorded)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from accounts.models import User
from cases import permissions as can
from markets.models import Market

from .events import personal_data_searched_event
from .query import SearchQuery
from .selectors import SearchResults, search_results


def search_run(
    *, actor: User, query: SearchQuery, pages: Mapping[str, int] | None = None
) -> SearchResults:
    """What ``query`` finds that ``actor`` may see (``search.selectors.search_results``); a
    search by ID number or mobile is an audit event, on the chain of the first market the
    actor works in (the global chain for an inspector)."""
    if not query.audited:
        return search_results(user=actor, query=query, pages=pages)
    with transaction.atomic():
        results = search_results(user=actor, query=query, pages=pages)
        markets = sorted(can.market_roles(actor))
        market = Market.objects.get(pk=markets[0]) if markets else None
        personal_data_searched_event(actor, query, market=market, found=results.found)
    return results
