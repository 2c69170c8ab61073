"""The search box's results (全局搜索): GET /search/?q=…, a page of each type of result.
Thin: parse the query, run the search (an audited action for ID numbers and mobiles), render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from search.query import QUERY_MAX_LENGTH, query_parse
from search.selectors import CANDIDATES, GROUPS, page_number
from search.services import search_run

from ..common.access import back_office_required, staff_user


@back_office_required
@require_GET
@never_cache
def search(request: HttpRequest) -> HttpResponse:
    query = query_parse(request.GET.get("q", ""))
    pages = {group: page_number(request.GET.get(f"{group}_page", 1)) for group in GROUPS}
    results = search_run(actor=staff_user(request), query=query, pages=pages)
    return render(
        request,
        "backoffice/search/results.html",
        {
            "query": query,
            "results": results,
            "deadlines": results.deadlines,
            "max_length": QUERY_MAX_LENGTH,
            "candidates": CANDIDATES,
        },
    )
