"""Supervision of a market: the time-limit dashboard (限时办结), the event log and the
work-log ledger (工作日志台账). Read by the market's team leads and by inspectors over it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from audit.events import request_ip
from audit.exports import ledger_csv, ledger_xlsx
from audit.ledger import (
    BUSINESS_FIGURE_LABELS,
    CASE_FIGURE_LABELS,
    FIGURES,
    FIGURES_BY_NAME,
    LEDGER_ZONE,
    Ledger,
    LedgerFigures,
    ledger_day,
    ledger_figure_events,
    ledger_month,
    ledger_sign_off,
)
from audit.selectors import EVENT_COUNT_CAP, EventCursor, event_count_capped, event_page
from cases.dashboard_selectors import market_list_inspected
from cases.kinds import KINDS
from cases.models import Channel
from cases.sla_selectors import Period, sla_dashboard
from cases.staff_selectors import (
    audit_chain_status_list,
    audit_event_search_parts,
    audit_market_list,
)
from exports.charts import FORMATS, Chart, chart_file, chart_filename, chart_find
from exports.events import chart_exported_event
from readreplica import reading_from_replica
from workflows.ratings.models import Level
from workflows.ratings.selectors import rating_rollup

from ..common.access import (
    audit_reader_required,
    back_office_required,
    inspector_required,
    led_market_ids,
    market_for_supervisor,
    staff_user,
)
from ..common.params import DAY_FIRST, DAY_LAST, day_parse, month_parse
from .charts import dashboard_charts, region_charts
from .forms import AuditEventFilterForm


def _ledger_period(request: HttpRequest) -> tuple[date | None, tuple[int, int] | None, bool]:
    """?day=YYYY-MM-DD or ?month=YYYY-MM, and whether it was understood; today when neither
    (or, with a message, when either is malformed or out of the supported years, see
    backoffice.common.params)."""
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
    day, month, understood = _ledger_period(request)
    book: Ledger = (
        ledger_month(market=market, year=month[0], month=month[1])
        if month
        else ledger_day(market=market, day=day or timezone.localdate())
    )
    export = request.GET.get("format", "")
    if export in {"csv", "xlsx"} and understood:  # never a file of a period not asked for
        return _export(request, book, export)
    period = f"day={book.first_day.isoformat()}" if book.is_day else f"month={book.period}"
    return render(
        request,
        "backoffice/ledger.html",
        {
            "market": market,
            "ledger": book,
            "period_query": period,
            # Each figure with its heading and count, the case engine's and the main business's.
            "sections": [
                (_("Case work"), _figures(book.totals, CASE_FIGURE_LABELS)),
                (_("Main business"), _figures(book.totals, BUSINESS_FIGURE_LABELS)),
            ],
            "officer_sections": [
                (
                    _("Case work"),
                    [label for _name, label in CASE_FIGURE_LABELS],
                    [(line, _figures(line.figures, CASE_FIGURE_LABELS)) for line in book.officers],
                ),
                (
                    _("Main business"),
                    [label for _name, label in BUSINESS_FIGURE_LABELS],
                    [
                        (line, _figures(line.figures, BUSINESS_FIGURE_LABELS))
                        for line in book.officers
                    ],
                ),
            ],
            "can_sign_off": book.is_day
            and not book.sign_offs
            and market.pk in led_market_ids(request.user)
            and book.first_day <= timezone.localdate(timezone=LEDGER_ZONE),
        },
    )


def _figures(figures: LedgerFigures, labels: Any) -> list[tuple[str, Any, int]]:
    return [(name, label, getattr(figures, name)) for name, label in labels]


@back_office_required
@require_GET
def ledger_events(request: HttpRequest, market_id: int) -> HttpResponse:
    """The events behind one figure of the ledger (?figure=…, the first when left out; &day=…
    or &month=…; &officer=<user id> for one officer's line): exactly those the figure counts."""
    market = market_for_supervisor(request, market_id)
    figure = FIGURES_BY_NAME.get(request.GET.get("figure") or FIGURES[0].name)
    if figure is None:
        raise Http404(_("The ledger has no such figure."))
    day, month, understood = _ledger_period(request)
    if not understood:  # the message says why; the ledger itself shows the right period
        return redirect("backoffice:ledger", market.pk)
    book: Ledger = (
        ledger_month(market=market, year=month[0], month=month[1])
        if month
        else ledger_day(market=market, day=day or timezone.localdate(timezone=LEDGER_ZONE))
    )
    officer = None
    raw_officer = request.GET.get("officer", "")
    if raw_officer:
        try:
            officer = book.officer(int(raw_officer))
        except ValueError:
            officer = None
        if officer is None:
            raise Http404(_("Nobody of that name has a line in this ledger."))
    events = ledger_figure_events(
        market=market,
        figure=figure,
        starts_at=book.starts_at,
        ends_at=book.ends_at,
        user_id=officer.user_id if officer else None,
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    period = f"day={book.first_day.isoformat()}" if book.is_day else f"month={book.period}"
    context = {
        "market": market,
        "ledger": book,
        "figure": figure,
        "officer": officer,
        "events": page,
        "period_query": period,
    }
    return render(request, "backoffice/ledger_events.html", context)


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


# --- The time-limit dashboard (限时办结) -------------------------------------------------------


def _dashboard_period(request: HttpRequest) -> Period:
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
@reading_from_replica()
def sla_market(request: HttpRequest, market_id: int) -> HttpResponse:
    market = market_for_supervisor(request, market_id)
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (the sign-in middleware guarantees it)
    now = timezone.now()
    dashboard = sla_dashboard(
        user=user,
        market=market,
        period=_dashboard_period(request),
        now=now,
        breach_page=request.GET.get("breaches"),
    )
    charts = dashboard_charts(market=market, period=dashboard.period)
    download = _chart_download(
        request, charts, page="sla_market", market_id=market.pk, prefix=f"sla-{market.pk}"
    )
    if download is not None:
        return download
    year, month = _rating_month(request)
    context = {
        "dashboard": dashboard,
        "market": market,
        "now": now,
        "ratings": rating_rollup(market_ids=[market.pk], year=year, month=month),
        "rating_levels": Level.choices,
        "charts": charts,
        "download_query": _download_query(request),
    }
    return render(request, "backoffice/sla/market.html", context)


# --- Charts: the table of each, as CSV or XLSX (?chart=<name>&format=csv|xlsx) ------------------


def _download_query(request: HttpRequest) -> str:
    """The page's query string without the download's own parameters (a download keeps the
    page's filters)."""
    query = request.GET.copy()
    for name in ("chart", "format"):
        query.pop(name, None)
    return query.urlencode()


def _chart_download(
    request: HttpRequest, charts: list[Chart], *, page: str, market_id: int | None, prefix: str
) -> HttpResponse | None:
    """The file of ?chart=<name>&format=csv|xlsx, recorded in the event log; None when the
    request asks for none. The page's own access rule has already been applied: the file holds
    exactly the figures the page shows."""
    name, fmt = request.GET.get("chart", ""), request.GET.get("format", "")
    if not name and not fmt:
        return None
    chart = chart_find(charts, name)
    if chart is None or fmt not in FORMATS:
        raise Http404(_("This page has no such chart or file format."))
    content, content_type = chart_file(chart, fmt)
    chart_exported_event(
        actor=staff_user(request),
        chart=chart.name,
        page=page,
        criteria={k: v for k, v in request.GET.items() if k not in ("chart", "format")},
        fmt=fmt,
        market_id=market_id,
        ip_address=request_ip(request),
    )
    response = HttpResponse(content, content_type=content_type)
    filename = chart_filename(chart, fmt, prefix=prefix)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- The inspector's region view: the dashboard rolled up by market ---------------------------


@inspector_required
@require_GET
@reading_from_replica()
def sla_region(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    markets = list(market_list_inspected(user=user))
    period = _dashboard_period(request)
    charts = region_charts(markets=markets, period=period, now=timezone.now())
    download = _chart_download(
        request, charts, page="sla_region", market_id=None, prefix="sla-region"
    )
    if download is not None:
        return download
    return render(
        request,
        "backoffice/sla/region.html",
        {
            "markets": markets,
            "period": period,
            "charts": charts,
            "download_query": _download_query(request),
            "now": timezone.now(),
        },
    )


def _rating_month(request: HttpRequest) -> tuple[int, int]:
    """?rating_month=YYYY-MM for the satisfaction figures (好差评); the current month when it
    is left out, and, with a message, when it is malformed or still to come."""
    today = timezone.localdate()
    raw = request.GET.get("rating_month", "").strip()
    if not raw:
        return today.year, today.month
    try:
        year, month = month_parse(raw)
    except ValueError:
        messages.error(request, _("Give the month as YYYY-MM. Showing the current month."))
        return today.year, today.month
    if (year, month) > (today.year, today.month):
        messages.error(
            request, _("That month has not come yet: no rating exists. Showing the current month.")
        )
        return today.year, today.month
    return year, month


# --- The event log -------------------------------------------------------------------------

PAGE_SIZE = 50


@audit_reader_required
@require_GET
@reading_from_replica()
def audit_events(request: HttpRequest) -> HttpResponse:
    """The event log's search: a page of events newest first, by keyset (?before=… from the
    "Older entries" link), and their number counted to a cap ("1 000+" beyond it)."""
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
            "case_reference": data["case"].strip(),
        }
    parts = audit_event_search_parts(user=user, market_ids=market_ids, **criteria)
    page = event_page(*parts, before=EventCursor.parse(request.GET.get("before")), size=PAGE_SIZE)
    counted = sum(event_count_capped(part, cap=EVENT_COUNT_CAP) for part in parts)
    context = {
        "form": form,
        "events": page,
        "count": min(counted, EVENT_COUNT_CAP),
        "over_cap": counted > EVENT_COUNT_CAP,
    }
    return render(request, "backoffice/audit/events.html", context)


@audit_reader_required
@require_GET
def audit_chains(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101
    return render(
        request, "backoffice/audit/chains.html", {"chains": audit_chain_status_list(user=user)}
    )
