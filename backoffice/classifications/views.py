"""Small JSON answers for the intake forms' type-ahead (``static/js/typeahead.js``): the
industry divisions or occupations whose code starts with, or whose Chinese name contains, what
was typed (``?q=``), at most a few, in code order. Any back-office user; nothing personal is
read. Thin: parse ``q``, call one selector, answer.

The markets' own occupations (本市场工种): their team leads list and add them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.selectors import INDUSTRY_SEARCH_LIMIT, industry_search
from markets.selectors import market_list_worked_in
from workflows.postings.selectors import (
    OCCUPATION_SEARCH_LIMIT,
    occupation_list_local,
    occupation_search,
)
from workflows.postings.services import occupation_local_add

from ..common.access import back_office_required, led_market_ids, staff_user, team_lead_required
from ..common.forms import errors_from
from ..common.once import submit_once
from .forms import LocalOccupationForm

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


LOCAL_SHOWN = 500


@team_lead_required
@submit_once
def local_occupations(request: HttpRequest) -> HttpResponse:
    """/classifications/local-occupations/: the own occupations of the markets the user leads,
    and the form to add one under a 中类."""
    user = staff_user(request)
    market_ids = led_market_ids(user)
    form = LocalOccupationForm(request.POST or None, market_ids=market_ids)
    if request.method == "POST" and form.is_valid():
        try:
            occupation = occupation_local_add(actor=user, **form.service_arguments())
        except ValidationError as error:
            errors_from(form, error)
        except PermissionDenied:
            form.add_error("market", _("Only a team lead of the market adds its occupations."))
        else:
            messages.success(
                request,
                _("“%(name)s” is now an occupation of %(market)s, code %(code)s.")
                % {
                    "name": occupation.name,
                    "market": occupation.market.name if occupation.market else "",
                    "code": occupation.code,
                },
            )
            return redirect("backoffice:local_occupations")
    return render(
        request,
        "backoffice/classifications/local_occupations.html",
        {
            "occupations": occupation_list_local(market_ids=market_ids)[:LOCAL_SHOWN],
            "form": form,
            "show_market": len(market_ids) > 1,
        },
        status=400 if form.errors else 200,
    )
