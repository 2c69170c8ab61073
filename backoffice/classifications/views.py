"""Small JSON answers for the intake forms' type-ahead (``static/js/typeahead.js``): the
industry divisions or occupations whose code starts with, or whose Chinese name contains, what
was typed (``?q=``), at most a few, in code order. Any back-office user; nothing personal is
read. Thin: parse ``q``, call one selector, answer."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from cases.selectors import INDUSTRY_SEARCH_LIMIT, industry_search
from markets.selectors import market_list_worked_in
from workflows.postings.selectors import OCCUPATION_SEARCH_LIMIT, occupation_search

from ..common.access import back_office_required, staff_user

QUERY_MAX = 40


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:QUERY_MAX]


@back_office_required
@require_GET
def industry_lookup(request: HttpRequest) -> JsonResponse:
    """/classifications/industries/?q=餐饮 → ``{"results": [{"code", "name", "section",
    "label"}…]}``: divisions (大类) by code prefix, section letter or name."""
    found = industry_search(text=_query(request), limit=INDUSTRY_SEARCH_LIMIT)
    return JsonResponse(
        {
            "results": [
                {
                    "code": industry.code,
                    "name": industry.name,
                    "section": industry.section.code if industry.section else "",
                    "label": f"{industry.code} {industry.name}",
                }
                for industry in found
            ]
        }
    )


@back_office_required
@require_GET
def occupation_lookup(request: HttpRequest) -> JsonResponse:
    """/classifications/occupations/?q=搬运 → occupations (细类, and the user's markets' own
    工种) by code prefix, name or other name."""
    text = _query(request)
    markets = [market.pk for market in market_list_worked_in(user=staff_user(request))]
    found = (
        list(occupation_search(text=text, markets=markets)[:OCCUPATION_SEARCH_LIMIT])
        if text
        else []
    )
    return JsonResponse(
        {
            "results": [
                {
                    "code": occupation.code,
                    "name": occupation.name,
                    "label": f"{occupation.code} {occupation.name}",
                }
                for occupation in found
            ]
        }
    )
