"""The staff pages of the market scorecard, the facility profile and the inspections
(standard art. 3, 5–10, 29):

- ``scorecard_index``: the month's scorecard of every market the user supervises; for
  inspectors rolled up by city and for the province;
- ``scorecard_market``: one market's month, item by item (value, target, pass/fail, no data);
- ``facility_profile`` / ``facility_profile_edit``: the profile with its history; edited by the
  market's team lead or an inspector over it;
- ``inspection_new`` / ``inspection_detail`` / ``inspection_photo``: an inspector records a
  visit with the checklist and photos; the market's team lead and inspectors read it;
- ``facility_rectifications`` / ``facility_rectification`` and its two actions: the team lead
  reports, an inspector over the market checks and closes.

Thin: parse, call one service or selector, turn a domain error into a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import permissions as can
from cases.fsm import CaseActionError
from cases.storage import stored_file_open
from markets.selectors import market_list_visible_to
from scorecard.selectors import (
    ItemValue,
    MonthRefused,
    scorecard_for_markets,
    scorecard_rollup,
)
from workflows.inspections.access import inspects
from workflows.inspections.checklist import FACILITY_ITEMS, Equipment, Zone
from workflows.inspections.selectors import (
    facility_profile_for,
    facility_profile_history,
    inspection_get_visible,
    inspection_items,
    inspection_list_for_market,
    inspection_photo_get_visible,
    rectification_get_visible,
    rectification_list_visible,
)
from workflows.inspections.services import (
    ItemGiven,
    facility_profile_save,
    facility_rectification_close,
    facility_rectification_report,
    inspection_record,
)

from ..common.access import (
    back_office_required,
    is_inspector,
    led_market_ids,
    market_for_supervisor,
    staff_user,
    supervisor_required,
    visible_or_404,
)
from ..common.forms import errors_from
from .forms import CheckForm, FacilityProfileForm, InspectionForm, MonthForm, ReportForm

# --- The scorecard ------------------------------------------------------------------------------


def _month(request: HttpRequest) -> tuple[int, int, MonthForm]:
    """The month asked for (``?month=YYYY-MM``), this month by default or when malformed."""
    form = MonthForm(request.GET or None)
    today = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["month"]:
        year, month = (int(part) for part in form.cleaned_data["month"].split("-"))
        return year, month, form
    return today.year, today.month, MonthForm(initial={"month": f"{today:%Y-%m}"})


def _shown(item: ItemValue) -> str:
    if item.value is None:
        return _("no data")
    if item.spec.unit == "percent":
        return f"{item.value} % ({item.numerator}/{item.denominator})"
    if item.spec.unit == "check":
        return _("Pass") if item.value == 1 else _("Fail")
    return str(item.value)


def _target(item: ItemValue) -> str:
    spec = item.spec
    if spec.unit == "check":
        return _("Pass")
    unit = " %" if spec.unit == "percent" else ""
    return f"{'≤' if spec.at_most else '≥'} {spec.target}{unit}"


def _rows(items: list[ItemValue]) -> list[dict[str, Any]]:
    return [
        {
            "item": item,
            "label": item.spec.label,
            "article": item.spec.article,
            "shown": _shown(item),
            "target": _target(item),
            "passed": item.passed,
        }
        for item in items
    ]


def _refused_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    messages.error(
        request,
        _("%(year)d-%(month)02d has not begun: choose this month or an earlier one.")
        % {"year": year, "month": month},
    )
    return render(request, "backoffice/scorecard/refused.html", status=400)


@supervisor_required
@require_http_methods(["GET"])
def scorecard_index(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    year, month, form = _month(request)
    markets = list(
        market_list_visible_to(user=user).filter(is_active=True).order_by("region__code", "pk")
    )
    if not is_inspector(user):
        led = set(led_market_ids(user))
        markets = [market for market in markets if market.pk in led]
    try:
        cards = scorecard_for_markets(markets=markets, year=year, month=month)
    except MonthRefused:
        return _refused_month(request, year, month)
    cities, province = scorecard_rollup(cards=cards)
    return render(
        request,
        "backoffice/scorecard/index.html",
        {
            "form": form,
            "year": year,
            "month": month,
            "cards": cards,
            "cities": cities,
            "province": province,
            "rollup": is_inspector(user),
            "specs": [line.spec for line in province.items],
        },
    )


@back_office_required
@require_http_methods(["GET"])
def scorecard_market(request: HttpRequest, market_id: int) -> HttpResponse:
    found = market_for_supervisor(request, market_id)
    year, month, form = _month(request)
    try:
        [card] = scorecard_for_markets(markets=[found], year=year, month=month)
    except MonthRefused:
        return _refused_month(request, year, month)
    return render(
        request,
        "backoffice/scorecard/market.html",
        {
            "market": found,
            "form": form,
            "year": year,
            "month": month,
            "card": card,
            "rows": _rows(card.items),
        },
    )


# --- Facility profile ---------------------------------------------------------------------------


@back_office_required
@require_http_methods(["GET"])
def facility_profile(request: HttpRequest, market_id: int) -> HttpResponse:
    found = market_for_supervisor(request, market_id)
    user = staff_user(request)
    profile = facility_profile_for(market=found)
    zones = dict(Zone.choices)
    equipment = dict(Equipment.choices)
    return render(
        request,
        "backoffice/scorecard/facility.html",
        {
            "market": found,
            "profile": profile,
            "zones": [zones.get(code, code) for code in (profile.zones if profile else [])],
            "equipment": [
                equipment.get(code, code) for code in (profile.equipment if profile else [])
            ],
            "history": facility_profile_history(market=found),
            "inspections": inspection_list_for_market(market=found),
            "may_inspect": inspects(user, found),
        },
    )


@back_office_required
@require_http_methods(["GET", "POST"])
def facility_profile_edit(request: HttpRequest, market_id: int) -> HttpResponse:
    found = market_for_supervisor(request, market_id)
    profile = facility_profile_for(market=found)
    initial = (
        {
            "area_m2": profile.area_m2,
            "zones": profile.zones,
            "rooms": profile.rooms,
            "equipment": profile.equipment,
            "note": profile.note,
        }
        if profile
        else {"area_m2": found.premises_area_m2}
    )
    form = FacilityProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            facility_profile_save(actor=staff_user(request), market=found, **form.cleaned_data)
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("The facility profile is saved."))
            return redirect("backoffice:facility_profile", found.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "backoffice/scorecard/facility_edit.html",
        {"market": found, "form": form},
        status=status,
    )


# --- Inspections --------------------------------------------------------------------------------


@back_office_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest, market_id: int) -> HttpResponse:
    found = market_for_supervisor(request, market_id)
    user = staff_user(request)
    if not inspects(user, found):
        raise PermissionDenied(
            str(_("Inspections are recorded by the inspectors over the market."))
        )
    form = InspectionForm(
        request.POST or None,
        request.FILES or None,
        initial={"visited_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        items = {
            item.code: ItemGiven(
                result=data[f"{item.code}-result"],
                note=data[f"{item.code}-note"],
                photos=data[f"{item.code}-photos"],
            )
            for item in FACILITY_ITEMS
        }
        try:
            inspection = inspection_record(
                actor=user,
                market=found,
                visited_on=data["visited_on"],
                items=items,
                summary=data["summary"],
            )
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("The inspection is recorded."))
            return redirect("backoffice:inspection_detail", inspection.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "backoffice/scorecard/inspection_new.html",
        {"market": found, "form": form, "rows": form.checklist_rows()},
        status=status,
    )


@back_office_required
@require_http_methods(["GET"])
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    inspection = visible_or_404(inspection_get_visible, pk=pk, user=user)
    if not (can.leads(user, inspection.market_id) or inspects(user, inspection.market)):
        raise PermissionDenied(
            str(_("Only the market's team leads and the inspectors over it see this page."))
        )
    labels = {item.code: item for item in FACILITY_ITEMS}
    return render(
        request,
        "backoffice/scorecard/inspection.html",
        {
            "inspection": inspection,
            "items": [(labels.get(i.code), i) for i in inspection_items(inspection=inspection)],
        },
    )


@require_http_methods(["GET"])
def inspection_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The photo (a stream: ``back_office_required`` wraps views that answer HttpResponse,
    so the rights are checked here: the market's team leads and the inspectors over it)."""
    user = staff_user(request)
    photo = visible_or_404(inspection_photo_get_visible, pk=pk, user=user)
    market = photo.item.inspection.market
    if not (can.leads(user, market.pk) or inspects(user, market)):
        raise PermissionDenied
    try:
        stream = stored_file_open(photo.file)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(stream, content_type=photo.content_type)
    response["Content-Disposition"] = f'inline; filename="photo-{photo.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Rectifications -----------------------------------------------------------------------------


@supervisor_required
@require_http_methods(["GET"])
def facility_rectifications(request: HttpRequest) -> HttpResponse:
    open_only = request.GET.get("open") == "1"
    rows = rectification_list_visible(user=staff_user(request), open_only=open_only)
    return render(
        request,
        "backoffice/scorecard/rectifications.html",
        {"rectifications": rows, "open_only": open_only, "labels": _labels()},
    )


def _labels() -> dict[str, Any]:
    return {item.code: item.label for item in FACILITY_ITEMS}


def _rectification_page(
    request: HttpRequest,
    found: Any,
    *,
    report: ReportForm | None = None,
    check: CheckForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = staff_user(request)
    case = found.case
    return render(
        request,
        "backoffice/scorecard/rectification.html",
        {
            "rectification": found,
            "case": case,
            "label": _labels().get(found.item.code, found.item.code),
            "may_report": can.lead(case, user) and case.state in ("new", "in_progress"),
            "may_close": inspects(user, case.market) and case.state == "resolved",
            "report": report or ReportForm(),
            "check": check or CheckForm(),
        },
        status=status,
    )


@supervisor_required
@require_http_methods(["GET"])
def facility_rectification(request: HttpRequest, pk: int) -> HttpResponse:
    found = visible_or_404(rectification_get_visible, pk=pk, user=staff_user(request))
    return _rectification_page(request, found)


def _step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = staff_user(request)
    found = visible_or_404(rectification_get_visible, pk=pk, user=user)
    form: ReportForm | CheckForm = (
        ReportForm(request.POST) if name == "report" else CheckForm(request.POST)
    )
    if form.is_valid():
        try:
            if isinstance(form, ReportForm):
                facility_rectification_report(
                    actor=user, rectification=found, outcome=form.cleaned_data["outcome"]
                )
                done = _("The rectification is reported; an inspector checks it next.")
            else:
                facility_rectification_close(
                    actor=user, rectification=found, note=form.cleaned_data["note"]
                )
                done = _("The rectification is checked and closed.")
        except ValidationError as error:
            errors_from(form, error)
        except CaseActionError as error:
            messages.error(request, str(error))
            return redirect("backoffice:facility_rectification", found.pk)
        else:
            messages.success(request, done)
            return redirect("backoffice:facility_rectification", found.pk)
    return _rectification_page(request, found, status=400, **{name: form})  # type: ignore[arg-type]


@require_POST
@supervisor_required
def facility_rectification_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "report")


@require_POST
@supervisor_required
def facility_rectification_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "check")
