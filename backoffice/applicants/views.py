"""The applicant's page (申请人办事记录): their whole history with the markets the user may
see, in one time line (anyone else gets 404).

Correcting their name or mobile (申请人信息更正): its own page, never a side effect of intake.
Two steps: the officer states the change and its reason, then confirms it with the old and the
new value side by side. Staff of a market that serves the applicant (has a case of theirs)
only; anyone else gets 404. Thin: parse, call one service, say what happened."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from audit.events import request_ip
from cases.identity import mobile_mask
from cases.models import Applicant
from cases.selectors import applicant_get_for_change, applicant_markets_served_by
from cases.services import (
    CaseActionError,
    applicant_change_industry,
    applicant_change_mobile,
    applicant_change_name,
    applicant_id_number_reveal,
    applicant_view_record,
)
from cases.sla_selectors import deadline_map_for_cases
from cases.timeline import (
    Entry,
    applicant_case_to_reveal_on,
    applicant_get_visible,
    applicant_timeline,
)
from workflows.seekers.selectors import seeker_pk_visible_for_applicant

from ..common.access import (
    back_office_required,
    market_staff_required,
    staff_user,
    visible_or_404,
)
from . import forms
from .links import entry_url


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: a local ``next``, else nowhere in particular."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _industry_label(applicant: Applicant) -> str:
    return str(applicant.industry) if applicant.industry else _("Unknown")


def _old_value(applicant: Applicant, field: str) -> str:
    if field == forms.ApplicantChangeForm.INDUSTRY:
        return _industry_label(applicant)
    return applicant.name if field == forms.ApplicantChangeForm.NAME else applicant.mobile_masked


def _new_value(form: forms.ApplicantChangeForm) -> str:
    data = form.cleaned_data
    if data["field"] == form.INDUSTRY:
        return str(data["industry"]) if data["industry"] else _("Unknown")
    return data["value"] if data["field"] == form.NAME else mobile_mask(data["value"])


@market_staff_required
@never_cache
def applicant_change(request: HttpRequest, pk: int) -> HttpResponse:
    """/applicants/<pk>/change/: state the change (GET, POST), confirm it (POST with
    ``confirmed``), then back to ``next``."""
    user = staff_user(request)
    try:
        applicant = applicant_get_for_change(user=user, pk=pk)
    except Applicant.DoesNotExist:
        raise Http404 from None
    form = forms.ApplicantChangeForm(request.POST or None)
    back = _next(request)
    context = {"applicant": applicant, "form": form, "next": back}
    if request.method != "POST" or not form.is_valid():
        return render(request, "backoffice/applicant/change.html", context)
    data = form.cleaned_data
    field, value = data["field"], data["value"]
    if not data["confirmed"]:
        return render(
            request,
            "backoffice/applicant/change_confirm.html",
            {
                **context,
                "old": _old_value(applicant, field),
                "new": _new_value(form),
                "full_new": value,
            },
        )
    try:
        if field == form.INDUSTRY:
            applicant_change_industry(
                actor=user, applicant=applicant, industry=data["industry"], reason=data["reason"]
            )
        elif field == form.NAME:
            applicant_change_name(
                actor=user, applicant=applicant, name=value, reason=data["reason"]
            )
        else:
            applicant_change_mobile(
                actor=user, applicant=applicant, mobile=value, reason=data["reason"]
            )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return render(request, "backoffice/applicant/change.html", context)
    except PermissionDenied:
        raise Http404 from None
    if field == form.INDUSTRY:
        done = _("The employer's industry is now %(industry)s.") % {"industry": _new_value(form)}
    elif field == form.NAME:
        done = _("The applicant's name is now “%(name)s”.") % {"name": value}
    else:
        done = _("The applicant's mobile is now %(mobile)s.") % {"mobile": mobile_mask(value)}
    messages.success(request, done)
    return redirect(back or reverse("backoffice:applicant_change", args=[applicant.pk]))


# --- The applicant's page: their whole history with the markets the user may see -------------

PAGE_SIZE = 25


def _visible_applicant(request: HttpRequest, pk: int) -> Applicant:
    return visible_or_404(applicant_get_visible, user=staff_user(request), pk=pk)


def _applicant_page(
    request: HttpRequest, applicant: Applicant, *, revealed_id: str = ""
) -> HttpResponse:
    user = staff_user(request)
    page: Page[Entry] = Paginator(
        applicant_timeline(user=user, applicant=applicant), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = [{"entry": entry, "url": entry_url(entry)} for entry in page]
    return render(
        request,
        "backoffice/applicant/detail.html",
        {
            "applicant": applicant,
            "page": page,
            "rows": rows,
            "deadlines": deadline_map_for_cases(
                case_ids=[entry.case_id for entry in page if entry.case_id]
            ),
            "seeker_pk": seeker_pk_visible_for_applicant(user=user, applicant_id=applicant.pk),
            "may_change": bool(applicant_markets_served_by(user=user, applicant=applicant)),
            "may_reveal_id": bool(applicant.id_number_masked)
            and applicant_case_to_reveal_on(user=user, applicant=applicant) is not None,
            "revealed_id": revealed_id,
        },
    )


@back_office_required
@require_GET
def applicant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """/applicants/<pk>/: the person or employer (personal data masked) and every record of
    theirs the user may see, newest first, paged: cases, single notices, postings,
    referrals, guidance items, training, public-welfare placements, complaints. An
    inspector's reading is on the trail (``applicant.viewed``)."""
    applicant = _visible_applicant(request, pk)
    applicant_view_record(
        actor=staff_user(request), applicant=applicant, ip_address=request_ip(request)
    )
    return _applicant_page(request, applicant)


@back_office_required
@require_POST
@never_cache
def applicant_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the whole ID number once, on this response only: the case page's audited reveal
    (``applicant_id_number_reveal``), on the newest case of theirs the user may reveal it on."""
    applicant = _visible_applicant(request, pk)
    user = staff_user(request)
    case = applicant_case_to_reveal_on(user=user, applicant=applicant)
    try:
        if case is None:
            raise PermissionDenied
        number = applicant_id_number_reveal(actor=user, case=case)
    except PermissionDenied:
        messages.error(request, _("You may not see this applicant's whole ID number."))
        return redirect("backoffice:applicant_detail", pk=applicant.pk)
    except CaseActionError as error:
        messages.error(request, str(error))
        return redirect("backoffice:applicant_detail", pk=applicant.pk)
    response = _applicant_page(request, applicant, revealed_id=number)
    response.headers["Cache-Control"] = "no-store"
    return response
