"""The work-log ledger (工作日志台账) of a market: a day or a month, on screen, as CSV or XLSX,
and the team lead's sign-off of a day. Read by the market's team leads and by inspectors."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.exports import ledger_csv, ledger_xlsx
from audit.ledger import (
    FIGURE_LABELS,
    LEDGER_ZONE,
    Ledger,
    ledger_day,
    ledger_month,
    ledger_sign_off,
)
from cases.kinds import KINDS
from cases.models import Channel

from .access import back_office_required, led_market_ids, market_for_supervisor
from .params import DAY_FIRST, DAY_LAST, day_parse, month_parse


def _period(request: HttpRequest) -> tuple[date | None, tuple[int, int] | None, bool]:
    """?day=YYYY-MM-DD or ?month=YYYY-MM, and whether it was understood; today when neither
    (or, with a message, when either is malformed or out of the supported years, see
    backoffice.params)."""
    month = request.GET.get("month", "")
    if month:
        try:
            return None, month_parse(month), True
        except ValueError:
            messages.error(
                request,
                _("Give the month as YYYY-MM, between %(first)s and %(last)s.")
                % {"first": DAY_FIRST.strftime("%Y-%m"), "last": DAY_LAST.strftime("%Y-%m")},
            )
    day = request.GET.get("day", "")
    if day:
        try:
            return day_parse(day), None, True
        except ValueError:
            messages.error(request, _day_message())
    understood = not month and not day
    return timezone.localdate(timezone=LEDGER_ZONE), None, understood


def _day_message() -> str:
    return _("Give the day as YYYY-MM-DD, between %(first)s and %(last)s.") % {
        "first": DAY_FIRST.isoformat(),
        "last": DAY_LAST.isoformat(),
    }


@back_office_required
def ledger(request: HttpRequest, market_id: int) -> HttpResponse:
    market = market_for_supervisor(request, market_id)
    day, month, understood = _period(request)
    book: Ledger = (
        ledger_month(market=market, year=month[0], month=month[1])
        if month
        else ledger_day(market=market, day=day or timezone.localdate())
    )
    export = request.GET.get("format", "")
    if export in {"csv", "xlsx"} and understood:  # never a file of a period not asked for
        return _export(request, book, export)
    totals = [(label, getattr(book.totals, name)) for name, label in FIGURE_LABELS]
    officers = [
        (line, [getattr(line.figures, name) for name, _label in FIGURE_LABELS])
        for line in book.officers
    ]
    return render(
        request,
        "backoffice/ledger.html",
        {
            "market": market,
            "ledger": book,
            "totals": totals,
            "figure_labels": [label for _name, label in FIGURE_LABELS],
            "officers": officers,
            "can_sign_off": book.is_day
            and not book.sign_offs
            and market.pk in led_market_ids(request.user)
            and book.first_day <= timezone.localdate(timezone=LEDGER_ZONE),
        },
    )


def _export(request: HttpRequest, book: Ledger, fmt: str) -> HttpResponse:
    ip = request.META.get("REMOTE_ADDR")
    user = request.user
    # The case kinds and channels by name, never by code.
    kinds = {code: kind.label for code, kind in KINDS.items()}
    channels = dict(Channel.choices)
    export = ledger_csv if fmt == "csv" else ledger_xlsx
    content = export(
        book,
        actor=user,  # type: ignore[arg-type]
        ip_address=ip,
        kind_names=kinds,
        channel_names=channels,
    )
    if fmt == "csv":
        content_type = "text/csv; charset=utf-8"
    else:
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    filename = f"ledger-{book.market.region.code}-{book.period}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@back_office_required
@require_POST
def ledger_sign(request: HttpRequest, market_id: int) -> HttpResponse:
    market = market_for_supervisor(request, market_id)
    try:
        day = day_parse(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _day_message())
        return redirect("backoffice:ledger", market.pk)
    try:
        ledger_sign_off(
            actor=request.user,  # type: ignore[arg-type]
            market=market,
            day=day,
            note=request.POST.get("note", "").strip()[:500],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The ledger of %(day)s is signed off.") % {"day": day})
    return redirect(f"{reverse('backoffice:ledger', args=[market.pk])}?day={day.isoformat()}")
