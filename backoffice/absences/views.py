"""Absence cover (AB岗): the team lead's list of the absences of their markets, with the form to
record one, and the buttons to end one early or cancel one; the deputy's page of the cases
they cover for (the "Covering for …" tab of the workbench). Thin: parse, call one service or
selector, turn a domain error into a message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.selectors import case_list_covered
from cases.sla_selectors import deadline_map_for_cases
from markets.absences import absence_cancel, absence_end, absence_record
from markets.models import Absence
from markets.selectors import (
    absence_get_for_lead,
    absence_list_covered_by,
    absence_list_for_markets,
    absence_list_recently_closed,
)

from ..common.access import (
    led_market_ids,
    market_staff_required,
    staff_user,
    team_lead_required,
    visible_or_404,
)
from ..common.forms import errors_from
from ..common.once import submit_once
from .forms import AbsenceForm

PAGE_SIZE = 25
LOOK_BACK = timedelta(days=30)


@team_lead_required
@submit_once
def absence_list(request: HttpRequest) -> HttpResponse:
    """/absences/: the running and coming absences of the markets the user leads, those closed
    in the last 30 days, and the form to record one."""
    user = staff_user(request)
    market_ids = led_market_ids(user)
    form = AbsenceForm(request.POST or None, market_ids=market_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            absence = absence_record(actor=user, **data)
        except ValidationError as error:
            errors_from(form, error)
        except PermissionDenied:
            form.add_error("market", _("Only a team lead of the market records its absences."))
        else:
            messages.success(
                request,
                _("%(officer)s is recorded as away from %(start)s to %(end)s; %(deputy)s covers.")
                % {
                    "officer": absence.officer,
                    "start": absence.starts_on.isoformat(),
                    "end": absence.ends_on.isoformat(),
                    "deputy": absence.deputy,
                },
            )
            return redirect("backoffice:absences")
    today = timezone.localdate()
    return render(
        request,
        "backoffice/absences/list.html",
        {
            "today": today,
            "absences": absence_list_for_markets(market_ids=market_ids, today=today)[:200],
            "closed": absence_list_recently_closed(
                market_ids=market_ids, today=today, since=today - LOOK_BACK
            )[:200],
            "form": form,
            "show_market": len(market_ids) > 1,
        },
        status=400 if form.errors else 200,
    )


def _absence_for_lead(request: HttpRequest, pk: int) -> Absence:
    return visible_or_404(absence_get_for_lead, user=staff_user(request), pk=pk)


@require_POST  # a GET is refused (405) before who asks is looked at
@team_lead_required
def absence_end_early(request: HttpRequest, pk: int) -> HttpResponse:
    absence = _absence_for_lead(request, pk)
    try:
        absence = absence_end(actor=staff_user(request), absence=absence)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(officer)s is back: their transfers and reminders reach them again.")
            % {"officer": absence.officer},
        )
    return redirect("backoffice:absences")


@require_POST  # a GET is refused (405) before who asks is looked at
@team_lead_required
def absence_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    absence = _absence_for_lead(request, pk)
    try:
        absence = absence_cancel(actor=staff_user(request), absence=absence)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The absence of %(officer)s from %(start)s is cancelled.")
            % {"officer": absence.officer, "start": absence.starts_on.isoformat()},
        )
    return redirect("backoffice:absences")


@market_staff_required
@require_GET
def covering(request: HttpRequest) -> HttpResponse:
    """/absences/covering/: for each officer the user covers for today, their open cases."""
    user = staff_user(request)
    sections: list[dict[str, Any]] = []
    for absence in absence_list_covered_by(deputy=user, on=timezone.localdate()):
        cases = Paginator(case_list_covered(user=user, absence=absence), PAGE_SIZE)
        param = f"a{absence.pk}"
        sections.append(
            {"absence": absence, "page": cases.get_page(request.GET.get(param)), "param": param}
        )
    case_ids = [case.pk for section in sections for case in section["page"]]
    return render(
        request,
        "backoffice/absences/covering.html",
        {"sections": sections, "deadlines": deadline_map_for_cases(case_ids=case_ids)},
    )
