"""The public pages of a market: no sign-in (``login_not_required``), no personal data.

- ``screen``: the information big screen (信息大屏) in the market hall, read from five metres;
  every ``SCREEN_REFRESH_SECONDS`` it shows the next page of postings (fetched and swapped in
  by portal/screen.js; without script the page reloads itself), and its charts and figures
  refresh from ``screen_figures`` (JSON) every ``SCREEN_CHARTS_REFRESH_SECONDS``.
- ``kiosk`` and ``kiosk_posting``: the self-service kiosk (自助服务终端): search published
  postings, read one; contact goes through the market's counter.
- ``kiosk_status``: the case-status lookup (办件进度查询), rate-limited (see portal.throttle);
  the QR code of the acceptance receipt opens it with the reference filled in.
"""

from __future__ import annotations

import math

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from audit.events import request_ip
from cases.models import Applicant
from exports.charts import FORMATS, Chart, chart_file, chart_filename, chart_find
from markets.models import Market
from readreplica import reading_from_replica
from stats import selectors as stats_selectors
from workflows.postings.models import Eligibility

from . import selectors, throttle
from .forms import PostingSearchForm, StatusLookupForm, reference_initial
from .screen_charts import screen_charts, screen_payload, screen_rankings
from .text import phone_numbers_hidden

SCREEN_REFRESH_SECONDS = 60
# The screen's charts fetch their figures this often, without reloading the page; the figures
# are computed at most once per SCREEN_FIGURES_CACHE_SECONDS per market and language.
SCREEN_CHARTS_REFRESH_SECONDS = 20
SCREEN_FIGURES_CACHE_SECONDS = 10
SCREEN_PAGE_SIZE = 6  # what fits a 1080p screen at the big screen's type size
SCREEN_POSTINGS_MAX = 60  # the newest postings the screen cycles through
KIOSK_PAGE_SIZE = 8
# A page of the lookup that shows what someone entered, or their case's status, goes back to
# the empty form after this long, for the next person at the kiosk.
KIOSK_STATUS_RESET_SECONDS = 60


def _market(market_id: int) -> Market:
    return get_object_or_404(selectors.market_list_public(), pk=market_id)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


@login_not_required
@require_GET
@never_cache
@reading_from_replica()
def screen(request: HttpRequest, market_id: int) -> HttpResponse:
    """The big screen: the market, its newest published postings a page at a time (each reload
    shows the next page, then starts over) and today's figures."""
    market = _market(market_id)
    postings = selectors.posting_list_public(market=market)[:SCREEN_POSTINGS_MAX]
    paginator = Paginator(postings, SCREEN_PAGE_SIZE)
    number = _page_number(request)
    if number > paginator.num_pages:
        number = 1
    page = paginator.page(number)
    now = timezone.localtime()
    monthly = screen_rankings(market=market)
    charts, chart_figures = screen_charts(market=market, now=now, monthly=monthly)
    download = _screen_chart_download(request, charts, market)
    if download is not None:
        return download
    return render(
        request,
        "portal/screen.html",
        {
            "market": market,
            "page": page,
            "next_page": page.next_page_number() if page.has_next() else 1,
            "refresh_seconds": SCREEN_REFRESH_SECONDS,
            "figures": selectors.market_figures_for_day(
                market=market, day=now.date(), postings_published=chart_figures["postings_today"]
            ),
            "monthly": monthly,
            "now": now,
            "charts": charts,
            "chart_figures": chart_figures,
            "charts_refresh_seconds": SCREEN_CHARTS_REFRESH_SECONDS,
        },
    )


def _screen_chart_download(
    request: HttpRequest, charts: list[Chart], market: Market
) -> HttpResponse | None:
    """?chart=<name>&format=csv|xlsx: a chart's table as a file (public figures, nothing
    personal, so no trail); None when none is asked for."""
    name, fmt = request.GET.get("chart", ""), request.GET.get("format", "")
    if not name and not fmt:
        return None
    chart = chart_find(charts, name)
    if chart is None or fmt not in FORMATS:
        raise Http404
    content, content_type = chart_file(chart, fmt)
    response = HttpResponse(content, content_type=content_type)
    filename = chart_filename(chart, fmt, prefix=f"screen-{market.pk}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_not_required
@require_GET
@reading_from_replica()
def screen_figures(request: HttpRequest, market_id: int) -> JsonResponse:
    """The big screen's charts and figures as JSON, fetched by the screen every
    ``SCREEN_CHARTS_REFRESH_SECONDS`` (static/js/charts.js) so they change without a reload.
    Computed at most once per ``SCREEN_FIGURES_CACHE_SECONDS`` per market and language,
    whatever the number of screens and visitors asking (the public pages' brake on load)."""
    market = _market(market_id)
    key = f"portal:screen-figures:{market.pk}:{get_language()}"
    payload = cache.get(key)
    if payload is None:
        payload = screen_payload(market=market, now=timezone.localtime())
        cache.set(key, payload, timeout=SCREEN_FIGURES_CACHE_SECONDS)
    response = JsonResponse(payload)
    response["Cache-Control"] = f"public, max-age={SCREEN_FIGURES_CACHE_SECONDS}"
    return response


@login_not_required
@require_GET
@never_cache
def kiosk(request: HttpRequest, market_id: int) -> HttpResponse:
    """The kiosk's home: search the market's published postings."""
    market = _market(market_id)
    form = PostingSearchForm(
        request.GET or None,
        occupations=selectors.occupation_list_for_kiosk(market=market),
        counties=list(selectors.county_list_for_kiosk(market=market)),
    )
    filters: dict[str, str] = {}
    if form.is_bound:
        # A choice that is no longer offered (an old link) is marked on the form and left out
        # of the search; the other choices still apply.
        form.is_valid()
        filters = form.cleaned_data
    postings = selectors.posting_list_public(
        market=market,
        occupation_prefix=filters.get("occupation") or None,
        county_prefix=filters.get("county") or None,
        pay_method=filters.get("pay_method") or None,
    )
    page = Paginator(postings, KIOSK_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "market": market,
        "form": form,
        "page": page,
        "monthly": stats_selectors.screen_figures(market),
    }
    return render(request, "portal/kiosk/list.html", context)


@login_not_required
@require_GET
@never_cache
def kiosk_posting(request: HttpRequest, market_id: int, pk: int) -> HttpResponse:
    """One published posting, as the public may read it. Employer free text is shown with
    anything that looks like a phone number hidden: contact is through the counter."""
    market = _market(market_id)
    posting = selectors.posting_get_public(market=market, pk=pk)
    if posting is None:
        return render(request, "portal/kiosk/gone.html", {"market": market}, status=404)
    texts = {
        name: phone_numbers_hidden(getattr(posting, name))
        for name in ("skill_requirements", "working_days", "description")
    }
    is_organisation = posting.employer.kind == Applicant.Kind.ORGANISATION
    return render(
        request,
        "portal/kiosk/detail.html",
        {
            "market": market,
            "posting": posting,
            "texts": texts,
            # A person who employs is not named in public; an organisation is.
            "employer_name": posting.employer.name if is_organisation else None,
            "eligibility": [
                Eligibility(code).label
                for code in posting.eligibility
                if code in Eligibility.values
            ],
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
def kiosk_status(request: HttpRequest, market_id: int) -> HttpResponse:
    """The case-status lookup: a reference number and the last four digits of the applicant's
    mobile. It answers the state in words, the kind and the dates, or one neutral message
    whether the reference or the digits were wrong; past the failure limit, 429 unchecked,
    saying how many minutes the terminal must wait."""
    market = _market(market_id)
    context: dict[str, object] = {"market": market}
    if request.method != "POST":
        # The QR code on the receipt opens this page with the reference filled in
        # (``?reference=``); only a well-formed one is taken, and nothing is looked up.
        context["form"] = StatusLookupForm(initial=reference_initial(request.GET.get("reference")))
        return render(request, "portal/kiosk/status.html", context)
    context["reset_seconds"] = KIOSK_STATUS_RESET_SECONDS
    form = StatusLookupForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "portal/kiosk/status.html", context)
    attempt = throttle.lookup_attempt_begin(
        client=request_ip(request), reference=form.cleaned_data["reference"]
    )
    if not attempt.allowed:
        context["outcome"] = "blocked"
        context["retry_minutes"] = attempt.retry_minutes
        response = render(request, "portal/kiosk/status.html", context, status=429)
        response["Retry-After"] = str(max(1, math.ceil(attempt.retry_after.total_seconds())))
        return response
    status = selectors.case_status_lookup(
        reference=form.cleaned_data["reference"],
        mobile_last_four=form.cleaned_data["mobile_last_four"],
    )
    if status is None:  # the attempt keeps its place in the counters
        context["outcome"] = "not_found"
        return render(request, "portal/kiosk/status.html", context)
    throttle.lookup_attempt_give_back(attempt)
    context["status"] = status
    context["form"] = StatusLookupForm()  # the digits are not shown back
    return render(request, "portal/kiosk/status.html", context)
