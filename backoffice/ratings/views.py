"""The staff pages of the satisfaction ratings (好差评):

- ``rating_tablet``: the counter tablet. The officer opens it for a resolved case and turns the
  tablet to the applicant, who sees only the five levels and a comment box, and taps. Recorded
  with the officer as actor (channel "counter tablet").
- ``rectification``: the rectification a poor rating opened (差评整改), with the rating, the
  return visit (回访) the team lead records, and the closing, which needs the visit.

Thin: parse, call one service or selector, turn a domain error into a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import permissions as can
from cases.kinds import kind_get
from cases.models import Case
from cases.selectors import case_get_visible
from cases.services import CaseActionError
from workflows.ratings.forms import RatingForm
from workflows.ratings.models import RatingChannel, Rectification
from workflows.ratings.selectors import ratable, rating_for_case, rectification_for_case
from workflows.ratings.services import (
    rating_record,
    rectification_close,
    rectification_visit_record,
)

from ..common.access import back_office_required, market_staff_required, staff_user
from ..common.forms import errors_from
from .forms import CloseForm, ReturnVisitForm


def _case(request: HttpRequest, pk: int) -> Case:
    try:
        return case_get_visible(user=staff_user(request), pk=pk)
    except Case.DoesNotExist as error:
        raise Http404 from error


@market_staff_required
@require_http_methods(["GET", "POST"])
def rating_tablet(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    user = staff_user(request)
    if not can.work_on(case, user):
        raise PermissionDenied(str(_("Only the officer working on the case opens its tablet.")))
    kind = kind_get(case.kind)
    context: dict[str, object] = {
        "case": case,
        "service": kind.label if kind is not None else case.subject,
        "rating": rating_for_case(case=case),
        "ratable": ratable(case),
    }
    form = RatingForm(request.POST or None)
    context["form"] = form
    if request.method == "POST" and context["rating"] is None and form.is_valid():
        try:
            rating = rating_record(
                case=case,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
                channel=RatingChannel.COUNTER_TABLET,
                actor=user,
            )
        except ValidationError as error:
            errors_from(form, error)
        except CaseActionError as error:
            messages.error(request, str(error))
            return redirect("backoffice:rating_tablet", case.pk)
        else:
            context.update(rating=rating, thanked=True)
    return render(request, "backoffice/ratings/tablet.html", context)


def _rectification(request: HttpRequest, pk: int) -> Rectification:
    case = _case(request, pk)
    rectification = rectification_for_case(case_id=case.pk).first()
    if rectification is None:
        raise Http404
    return rectification


@back_office_required
@require_http_methods(["GET"])
def rectification(request: HttpRequest, pk: int) -> HttpResponse:
    """The rectification whose case is ``pk``: the rating it answers, the return visit, the
    closing. Inspectors read it; the market's team leads act."""
    found = _rectification(request, pk)
    return render(request, "backoffice/ratings/rectification.html", _page(request, found))


def _page(
    request: HttpRequest,
    found: Rectification,
    *,
    visit: forms.Form | None = None,
    close: forms.Form | None = None,
) -> dict[str, object]:
    user = staff_user(request)
    leads = can.lead(found.case, user) and found.case.is_open
    return {
        "rectification": found,
        "case": found.case,
        "rating": found.rating,
        "may_act": leads,
        "visit": visit or ReturnVisitForm(),
        "close": close or CloseForm(),
    }


@market_staff_required
@require_POST
def rectification_visit(request: HttpRequest, pk: int) -> HttpResponse:
    return _rectification_step(
        request,
        pk,
        ReturnVisitForm(request.POST),
        "visit",
        lambda found, data: rectification_visit_record(
            actor=staff_user(request),
            rectification=found,
            visited_on=data["visited_on"],
            outcome=data["outcome"],
        ),
        _("The return visit is recorded."),
    )


@market_staff_required
@require_POST
def rectification_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _rectification_step(
        request,
        pk,
        CloseForm(request.POST),
        "close",
        lambda found, data: rectification_close(
            actor=staff_user(request), rectification=found, outcome=data["outcome"]
        ),
        _("The rectification is closed."),
    )


def _rectification_step(
    request: HttpRequest,
    pk: int,
    form: forms.Form,
    name: str,
    run: Callable[[Any, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """One step of a rectification's page (the return visit, closing): the form checked, the
    service run, back to the page; a bad value shows the page again with the form as given."""
    found = _rectification(request, pk)
    if form.is_valid():
        try:
            run(found, form.cleaned_data)
        except ValidationError as error:
            errors_from(form, error)
        except CaseActionError as error:
            messages.error(request, str(error))
            return redirect("backoffice:rectification", pk)
        else:
            messages.success(request, done)
            return redirect("backoffice:rectification", pk)
    page = _page(request, found, **{name: form})
    return render(request, "backoffice/ratings/rectification.html", page, status=400)
