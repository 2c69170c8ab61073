"""The event log for inspectors (their regions) and team leads (their markets): a search of
the events and the verification status of each market's chain."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import User

from .access import audit_reader_required
from .forms import AuditEventFilterForm
from .selectors import audit_chain_status_list, audit_event_search, audit_market_list

PAGE_SIZE = 50


@audit_reader_required
@require_GET
def audit_events(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101
    markets = audit_market_list(user=user)
    form = AuditEventFilterForm(request.GET or None, markets=markets)
    criteria: dict[str, Any] = {}
    market_ids = [market.pk for market in markets]
    if form.is_valid():
        data = form.cleaned_data
        if data["market"] is not None:
            market_ids = [data["market"].pk]
        criteria = {
            "action": data["action"],
            "actor_username": data["actor"].strip(),
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    events = audit_event_search(user=user, market_ids=market_ids, **criteria)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/audit/events.html", {"form": form, "events": page})


@audit_reader_required
@require_GET
def audit_chains(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101
    return render(
        request, "backoffice/audit/chains.html", {"chains": audit_chain_status_list(user=user)}
    )
