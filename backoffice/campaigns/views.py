"""The campaign pages (公共就业服务专项活动, standard art. 11): the list with a form to create
one, and the campaign's page with its employers, postings, attendance and outcomes, each with
a form, and the totals.

Officers and team leads of a market create and record; inspectors read the campaigns of the
markets in their regions (the forms are 403 for them); another market's campaign is 404;
administrators (三员分立) get 403 everywhere.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from cases import permissions as can
from workflows.campaigns.models import Campaign, CampaignAttendance, CampaignEmployer
from workflows.campaigns.selectors import (
    campaign_get_visible,
    campaign_list_visible,
    campaign_totals,
)
from workflows.campaigns.services import (
    campaign_attendance_record,
    campaign_create,
    campaign_employer_take_in,
    campaign_outcome_record,
    campaign_posting_link,
)
from workflows.postings.models import Posting
from workflows.seekers.models import SeekerProfile

from ..common.access import back_office_required, staff_user
from ..common.forms import errors_from
from ..common.once import submit_once
from . import forms as campaigns_forms


@back_office_required
@submit_once
def campaign_list(request: HttpRequest) -> HttpResponse:
    """/campaigns/: the campaigns of the markets one sees, and (for staff) the create form."""
    user = staff_user(request)
    market_ids = sorted(can.market_roles(user))
    form = campaigns_forms.CampaignForm(request.POST or None, market_ids=market_ids)
    if request.method == "POST":
        if not market_ids:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = campaign_create(actor=user, **data)
            except ValidationError as error:
                errors_from(form, error)
            except PermissionDenied:
                form.add_error("market", _("You do not work in this market."))
            else:
                messages.success(request, _("Campaign created."))
                return redirect("backoffice:campaigns_detail", pk=campaign.pk)
    return render(
        request,
        "backoffice/campaigns/list.html",
        {
            "campaigns": campaign_list_visible(user=user)[:200],
            "form": form if market_ids else None,
        },
        status=400 if form.errors else 200,
    )


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    campaign = campaign_get_visible(user=staff_user(request), pk=pk)
    if campaign is None:
        raise Http404
    return campaign


FORMS: dict[str, type[forms.Form]] = {
    "employers": campaigns_forms.EmployerForm,
    "postings": campaigns_forms.PostingLinkForm,
    "attendance": campaigns_forms.AttendanceForm,
    "outcomes": campaigns_forms.OutcomeForm,
}


def _page(
    request: HttpRequest, campaign: Campaign, *, bound: tuple[str, forms.Form] | None = None
) -> HttpResponse:
    user = staff_user(request)
    page_forms: dict[str, Any] = {name: form_class() for name, form_class in FORMS.items()}
    if bound is not None:
        page_forms[bound[0]] = bound[1]
    context = {
        "campaign": campaign,
        "works": can.works_in(user, campaign.market_id),
        "employers": CampaignEmployer.objects.filter(campaign=campaign)
        .select_related("employer")
        .defer("employer__id_number", "employer__mobile"),
        "postings": campaign.postings.select_related("occupation", "employer").defer(
            "employer__id_number", "employer__mobile"
        ),
        "attendance": CampaignAttendance.objects.filter(campaign=campaign)
        .select_related("seeker__applicant")
        .defer("seeker__applicant__id_number", "seeker__applicant__mobile"),
        "outcomes": campaign.outcomes.select_related("employer__employer", "recorded_by"),
        "totals": campaign_totals(campaign=campaign),
        "forms": page_forms,
    }
    return render(
        request, "backoffice/campaigns/detail.html", context, status=400 if bound else 200
    )


@back_office_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _campaign(request, pk))


def _record(user: User, campaign: Campaign, what: str, data: dict[str, Any]) -> None:
    """Run the service of one form (raising its errors)."""
    if what == "employers":
        campaign_employer_take_in(
            actor=user,
            campaign=campaign,
            name=data["name"],
            credit_code=data["credit_code"],
            booth=data["booth"],
            use_registered_name=data["use_registered_name"],
        )
    elif what == "postings":
        posting = Posting.objects.filter(pk=data["posting"]).first()
        if posting is None:
            raise ValidationError({"posting": [_("There is no posting with this number.")]})
        campaign_posting_link(actor=user, campaign=campaign, posting=posting)
    elif what == "attendance":
        seeker = None
        if data["seeker"] is not None:
            seeker = SeekerProfile.objects.filter(pk=data["seeker"]).first()
            if seeker is None:
                raise ValidationError({"seeker": [_("There is no seeker with this number.")]})
        campaign_attendance_record(
            actor=user,
            campaign=campaign,
            day=data["day"],
            headcount=data["headcount"],
            seeker=seeker,
        )
    else:
        campaign_outcome_record(
            actor=user,
            campaign=campaign,
            intentions=data["intentions"],
            hired=data["hired"],
            note=data["note"],
        )


@back_office_required
@require_POST
@submit_once
def campaign_record(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """POST /campaigns/<pk>/<employers|postings|attendance|outcomes>/."""
    campaign = _campaign(request, pk)
    if what not in FORMS:
        raise Http404
    user = staff_user(request)
    if not can.works_in(user, campaign.market_id):
        raise PermissionDenied
    form = FORMS[what](request.POST)
    if form.is_valid():
        try:
            _record(user, campaign, what, form.cleaned_data)
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("backoffice:campaigns_detail", pk=campaign.pk)
    return _page(request, campaign, bound=(what, form))
