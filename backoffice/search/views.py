"""The search box's results (全局搜索): a page of each type of result.

The boxes POST what was typed and are sent on to ``/search/?q=…``, except an ID number or a
mobile: it is kept in the session under a random token and the address reads
``/search/?t=<token>``, so that a person's number never sits in an address (the server's
access log, the browser's history, a Referer). Thin: parse the query, run the search (an
audited action for ID numbers and mobiles), render."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from readreplica import reading_from_replica
from search.query import QUERY_MAX_LENGTH, query_parse
from search.selectors import CANDIDATES, GROUPS, page_number
from search.services import search_run

from ..common.access import back_office_required, staff_user

# The session's recent ID-number and mobile queries, by token (the newest few only).
SESSION_KEY = "search_queries"
SESSION_KEPT = 20


@back_office_required
@require_http_methods(["GET", "POST"])
@never_cache
@reading_from_replica()
def search(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _sent_on(request, request.POST.get("q", ""), {})
    typed = request.GET.get("q")
    if typed is not None and query_parse(typed).audited:
        return _sent_on(request, typed, request.GET)  # a number typed into the address
    if typed is None:
        typed = request.session.get(SESSION_KEY, {}).get(request.GET.get("t", ""), "")
    query = query_parse(typed)
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


def _sent_on(request: HttpRequest, typed: str, params: Mapping[str, str]) -> HttpResponse:
    """Redirect to the results of ``typed`` (keeping the pages named in ``params``): by the
    query itself, or, for an ID number or a mobile, by a token of this session."""
    kept = {key: value for key, value in params.items() if key.endswith("_page")}
    if query_parse(typed).audited:
        token = secrets.token_urlsafe(9)
        queries = dict(request.session.get(SESSION_KEY, {}))
        queries[token] = typed[:QUERY_MAX_LENGTH]
        request.session[SESSION_KEY] = dict(list(queries.items())[-SESSION_KEPT:])
        kept["t"] = token
    else:
        kept["q"] = typed[: QUERY_MAX_LENGTH * 20]
    return HttpResponseRedirect(f"{reverse('backoffice:search')}?{urlencode(kept)}")
