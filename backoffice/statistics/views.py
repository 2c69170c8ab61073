"""Monthly statistics (standard art. 15) for the staff: a month and a scope (a market the user
works in; for inspectors the markets and cities of their regions, and the province for an
inspector of the whole province), the tables, the comparisons, the records behind each figure,
and the XLSX for a report. Bad input (a malformed month, a month to come or before the market
opened) gets a message and nothing is computed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from readreplica import reading_from_replica
from stats.compute import Area, Month
from stats.exports import report_xlsx
from stats.labels import groups_for_display, scope_name
from stats.selectors import (
    POSTING_CELLS,
    SEEKER_CELLS,
    areas_visible_to,
    comparison_for,
    figures_for,
    month_check,
    month_parse_or_error,
    postings_of_cell,
    seekers_of_cell,
    snapshot_revisions,
)
from stats.services import StatsError

from ..common.access import back_office_required, staff_user
from ..common.pages import bounded_page

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _area(request: HttpRequest) -> tuple[Area, list[Area]]:
    """The scope asked for (``?scope=``), the user's first one by default; 404 when it is not
    theirs to see."""
    areas = areas_visible_to(user=staff_user(request))
    key = request.GET.get("scope", "")
    area = next((a for a in areas if a.key == key), None) if key else (areas[0] if areas else None)
    if area is None:
        raise Http404
    return area, areas


def _month(request: HttpRequest, area: Area) -> tuple[str, Month | None]:
    """The month asked for (last month by default), checked; None with a message when bad."""
    default = Month(*timezone.localdate().timetuple()[:2]).previous()
    raw = request.GET.get("month", "").strip() or str(default)
    try:
        month = month_parse_or_error(raw)
        month_check(area, month)
    except StatsError as error:
        messages.error(request, str(error))
        return raw, None
    return raw, month


@back_office_required
@require_GET
@reading_from_replica()
def statistics(request: HttpRequest) -> HttpResponse:
    area, areas = _area(request)
    raw, month = _month(request, area)
    context: dict[str, Any] = {
        "area": area,
        "areas": [(a, scope_name(a.scope)) for a in areas],
        "month_raw": raw,
        "month": month,
    }
    if month is not None:
        current = figures_for(area=area, month=month)
        comparison = comparison_for(area=area, current=current)
        if request.GET.get("format") == "xlsx":
            content = report_xlsx(
                area=area,
                figures=current.figures,
                comparison=comparison,
                actor=staff_user(request),
            )
            response = HttpResponse(content, content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="statistics-{month}.xlsx"'
            return response
        context |= {
            "current": current,
            "figures": current.figures,
            "comparison": comparison,
            "groups": groups_for_display(current.figures),
            "revisions": snapshot_revisions(key=area.key, month=month),
        }
    return render(request, "backoffice/statistics/month.html", context)


@back_office_required
@require_GET
@reading_from_replica()
def statistics_records(request: HttpRequest) -> HttpResponse:
    area, _areas = _area(request)
    raw, month = _month(request, area)
    kind = request.GET.get("kind", "postings")
    cell = request.GET.get("cell", "all")
    code = request.GET.get("code", "")[:12]
    cells = POSTING_CELLS if kind == "postings" else SEEKER_CELLS
    if kind not in ("postings", "seekers") or cell not in cells:
        raise Http404
    context: dict[str, Any] = {
        "area": area,
        "month_raw": raw,
        "month": month,
        "kind": kind,
        "cell": cell,
        "code": code,
    }
    if month is not None:
        read = postings_of_cell if kind == "postings" else seekers_of_cell
        rows = read(area=area, month=month, cell=cell, code=code)
        context["page"] = bounded_page(request, rows, per_page=PAGE_SIZE)
    return render(request, "backoffice/statistics/records.html", context)
