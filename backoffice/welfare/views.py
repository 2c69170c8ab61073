"""The public-welfare job pages (公益性岗位, standard art. 20): apply for a job on behalf of a
seeker, the application's page (approve, decline, place, end the placement) and the list of
placements with their subsidy end dates.

Officers and team leads of a market work here; inspectors read the application and placement
pages of the markets in their regions (the forms are 403 for them); a seeker, posting or
application of a market one may not see is 404; administrators (三员分立) get 403 everywhere.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import permissions as can
from cases.services import CaseActionError
from workflows.postings.selectors import posting_get_visible
from workflows.seekers.selectors import seeker_get_visible
from workflows.welfare.eligibility import difficulty_labels, eligibility_labels
from workflows.welfare.models import Application, Placement, Status
from workflows.welfare.selectors import application_get_visible, placement_list_visible
from workflows.welfare.services import (
    eligibility_refusal,
    placement_end,
    welfare_apply,
    welfare_approve,
    welfare_decline,
    welfare_place,
)

from ..common.access import (
    back_office_required,
    market_staff_required,
    staff_user,
    visible_or_404,
)
from ..common.forms import errors_from
from ..common.intake import receipt_offer
from ..common.once import submit_once
from . import forms as welfare_forms

# --- Apply ------------------------------------------------------------------------------------


@market_staff_required
@submit_once
def welfare_apply_page(request: HttpRequest) -> HttpResponse:
    """/welfare/apply/?seeker=<pk>&posting=<pk>: the two category lists side by side, and the
    application taken in at the posting's market."""
    user = staff_user(request)
    seeker = visible_or_404(seeker_get_visible, user=user, pk=request.GET.get("seeker"))
    posting = visible_or_404(posting_get_visible, user=user, pk=request.GET.get("posting"))
    form = welfare_forms.ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = welfare_apply(
                actor=user,
                market=posting.market,
                seeker=seeker,
                posting=posting,
                channel=form.cleaned_data["channel"],
            )
        except PermissionDenied:
            form.add_error(None, _("Only staff of the posting's market may take this application."))
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(
                request,
                _("Application %(reference)s taken in.")
                % {"reference": application.case.reference},
            )
            receipt_offer(request, application.case)
            return redirect("backoffice:welfare_application", pk=application.pk)
    return render(
        request,
        "backoffice/welfare/apply.html",
        {
            "form": form,
            "seeker": seeker,
            "posting": posting,
            "required_labels": eligibility_labels(posting.eligibility),
            "own_labels": difficulty_labels(seeker.difficulty_categories),
            "refusal": eligibility_refusal(posting, seeker) if posting.is_public_welfare else None,
        },
        status=400 if form.errors else 200,
    )


# --- The application's page ------------------------------------------------------------------


def _application(request: HttpRequest, pk: int) -> Application:
    application = application_get_visible(user=staff_user(request), pk=pk)
    if application is None:
        raise Http404
    return application


def _page(
    request: HttpRequest, application: Application, status: int = 200, **forms: Any
) -> HttpResponse:
    user = staff_user(request)
    placement = Placement.objects.filter(application=application).first()
    lead = can.leads(user, application.market_id)
    may_place = can.work_on(application.case, user) and application.status == Status.APPROVED
    context = {
        "application": application,
        "placement": placement,
        "matched_labels": difficulty_labels(application.categories_matched),
        "required_labels": eligibility_labels(application.posting.eligibility),
        "may_decide": lead and application.status in (Status.APPLIED, Status.APPROVED),
        "may_approve": lead and application.status == Status.APPLIED,
        "may_place": may_place,
        "may_end": placement is not None
        and placement.ended_on is None
        and can.works_in(user, application.market_id),
        "approve_form": forms.get("approve_form") or welfare_forms.ApproveForm(),
        "decline_form": forms.get("decline_form") or welfare_forms.DeclineForm(),
        "place_form": forms.get("place_form") or welfare_forms.PlaceForm(),
        "end_form": forms.get("end_form") or welfare_forms.PlacementEndForm(),
    }
    return render(request, "backoffice/welfare/application.html", context, status=status)


@back_office_required
@require_GET
def welfare_application(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _application(request, pk))


FORMS = {
    "approve": welfare_forms.ApproveForm,
    "decline": welfare_forms.DeclineForm,
    "place": welfare_forms.PlaceForm,
    "end": welfare_forms.PlacementEndForm,
}


@market_staff_required
@require_POST
@submit_once
def welfare_application_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """POST /welfare/<pk>/<approve|decline|place|end>/."""
    application = _application(request, pk)
    if verb not in FORMS:
        raise Http404
    user = staff_user(request)
    form = FORMS[verb](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if verb == "approve":
                welfare_approve(actor=user, application=application, note=data["note"])
            elif verb == "decline":
                welfare_decline(actor=user, application=application, reason=data["reason"])
            elif verb == "place":
                welfare_place(actor=user, application=application, **data)
            else:
                placement = Placement.objects.filter(application=application).first()
                if placement is None:
                    raise Http404
                placement_end(
                    actor=user,
                    placement=placement,
                    ended_on=data["ended_on"],
                    reason=data["end_reason"],
                    note=data["note"],
                )
        except ValidationError as error:
            errors_from(form, error)
        except CaseActionError as error:
            form.add_error(None, str(error))
        except PermissionDenied:
            form.add_error(None, _("You may not do this to this application."))
        else:
            messages.success(request, _("Saved."))
            return redirect("backoffice:welfare_application", pk=application.pk)
    return _page(request, _application(request, pk), status=400, **{f"{verb}_form": form})


# --- Placements -------------------------------------------------------------------------------


@back_office_required
@require_GET
def welfare_placements(request: HttpRequest) -> HttpResponse:
    """/welfare/placements/: running placements first, the subsidy ending soonest first; those
    ending within 30 days marked."""
    today = timezone.localdate()
    placements = list(placement_list_visible(user=staff_user(request), today=today)[:500])
    return render(
        request,
        "backoffice/welfare/placements.html",
        {"placements": placements, "today": today},
    )
