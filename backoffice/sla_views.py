"""The team lead's time-limit dashboard (限时办结) of a market: what is due today, due soon and
overdue, the breaches of the period and the on-time rate. Read by the market's team leads and
by inspectors over it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User

from .access import back_office_required, market_for_supervisor
from .params import DAY_FIRST, DAY_LAST, day_parse
from .sla_selectors import Period, sla_dashboard


def _period(request: HttpRequest) -> Period:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (either may be left out); the current month when both
    are, and, with a message, when either is malformed or they are the wrong way round."""
    default = Period.month_of(timezone.localdate())
    raw_from, raw_to = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
    if not raw_from and not raw_to:
        return default
    try:
        period = Period(
            day_parse(raw_from) if raw_from else default.first,
            day_parse(raw_to) if raw_to else default.last,
        )
    except ValueError:
        messages.error(
            request,
            _(
                "Give the days as YYYY-MM-DD, between %(first)s and %(last)s. Showing the "
                "current month."
            )
            % {"first": DAY_FIRST.isoformat(), "last": DAY_LAST.isoformat()},
        )
        return default
    if period.first > period.last:
        messages.error(
            request, _("The first day comes after the last one. Showing the current month.")
        )
        return default
    return period


@back_office_required
@require_GET
def sla_market(request: HttpRequest, market_id: int) -> HttpResponse:
    market = market_for_supervisor(request, market_id)
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (the sign-in middleware guarantees it)
    now = timezone.now()
    dashboard = sla_dashboard(
        user=user,
        market=market,
        period=_period(request),
        now=now,
        breach_page=request.GET.get("breaches"),
    )
    context = {"dashboard": dashboard, "market": market, "now": now}
    return render(request, "backoffice/sla/market.html", context)
