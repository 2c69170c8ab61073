"""The complaint pages (投诉与维权, standard art. 24): file a complaint at the counter, the
complaint's page with the actions its state allows, the team lead's list with filters.

Thin views: parse, call one service or selector, turn a domain error into a message; bad input
re-renders the page with the input kept and the message on the field. Officers and team leads
of a market work here; inspectors read the complaints of their regions (actions 403); a
complaint of a market one may not see is 404; administrators (三员分立) get 403 everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import permissions as can
from cases.services import CaseActionError
from markets.selectors import market_list_worked_in
from workflows.complaints import services
from workflows.complaints.models import Complaint, ReferralStatus, Status
from workflows.complaints.selectors import (
    complaint_get_visible_to,
    complaint_list_visible_to,
    referral_list_for_complaint,
)

from ..common.access import back_office_required, market_staff_required, staff_user
from ..common.forms import errors_from
from ..common.intake import contact_mobile_message, receipt_offer
from ..common.once import submit_once
from . import forms as cf

PAGE_SIZE = 25


def _visible(request: HttpRequest, pk: int) -> Complaint:
    complaint = complaint_get_visible_to(user=staff_user(request), pk=pk)
    if complaint is None:
        raise Http404
    return complaint


# --- Filing at the counter --------------------------------------------------------------------


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(k, k): v for k, v in error.error_dict.items()})


@market_staff_required
@submit_once
def complaint_new(request: HttpRequest) -> HttpResponse:
    """/complaints/new/: find or register the complainant and file the complaint in one
    transaction."""
    user = staff_user(request)
    markets = market_list_worked_in(user=user)
    if not markets:
        raise PermissionDenied
    form = cf.ComplaintCounterForm(request.POST or None, markets=markets)
    if request.method == "POST" and form.is_valid():
        market = form.chosen_market()
        if market is None:
            raise PermissionDenied
        try:
            data = form.cleaned_data
            complaint = services.complaint_take_in(
                actor=user,
                market=market,
                name=data["name"],
                id_number=data["id_number"],
                mobile=data["mobile"],
                category=data["category"],
                description=data["description"],
                desired_outcome=data["desired_outcome"],
                anonymous=data["anonymous"],
                employer_name=data["employer_name"],
                credit_code=data["credit_code"],
                posting_id=data["posting"],
                use_registered_name=data["use_registered_name"],
            )
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(
                request,
                _(
                    "Complaint %(reference)s is filed; decide on its acceptance within 5 "
                    "working days."
                )
                % {"reference": complaint.case.reference},
            )
            contact_mobile_message(request, complaint.case)
            receipt_offer(request, complaint.case)
            return redirect("backoffice:complaints_detail", pk=complaint.pk)
    form.focus_first_error()
    return render(request, "backoffice/complaints/new.html", {"form": form})


# --- The team lead's list ----------------------------------------------------------------------


@back_office_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    """/complaints/: the complaints of the markets one may see, by category and state."""
    filters = cf.ComplaintFilterForm(request.GET or None)
    complaints = complaint_list_visible_to(user=staff_user(request), **filters.values())
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/complaints/list.html",
        {"filters": filters, "page": page, "query": query.urlencode()},
    )


# --- The complaint's page and its actions --------------------------------------------------------


def _page(request: HttpRequest, complaint: Complaint, **forms_: forms.Form) -> HttpResponse:
    user = staff_user(request)
    case = complaint.case
    works = can.work_on(case, user)
    status = complaint.status
    referrals = list(referral_list_for_complaint(complaint=complaint))
    open_referral = next((r for r in referrals if r.status != ReferralStatus.CONCLUDED), None)
    context: dict[str, Any] = {
        "complaint": complaint,
        "case": case,
        "works": works,
        "leads": can.lead(case, user),
        "referrals": referrals,
        "open_referral": open_referral,
        "may_decide": works and status == Status.FILED,
        "may_refer": works and status in (Status.FILED, Status.ACCEPTED),
        "may_resolve": works and status == Status.ACCEPTED,
        "may_rate": works and status == Status.RESOLVED and not complaint.satisfaction,
        "may_suspend": can.lead(case, user)
        and complaint.posting is not None
        and complaint.posting_suspended_at is None
        and complaint.posting.status == "published",
        "decline_form": forms_.get("decline_form") or cf.DeclineForm(),
        "refer_form": forms_.get("refer_form") or cf.ReferForm(),
        "update_form": forms_.get("update_form") or cf.ReferralUpdateForm(),
        "resolve_form": forms_.get("resolve_form") or cf.ResolveForm(),
        "satisfaction_form": forms_.get("satisfaction_form") or cf.SatisfactionForm(),
    }
    status_code = 400 if any(f.errors for f in forms_.values()) else 200
    return render(request, "backoffice/complaints/detail.html", context, status=status_code)


@back_office_required
@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _visible(request, pk))


def _done(request: HttpRequest, complaint: Complaint, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("backoffice:complaints_detail", pk=complaint.pk)


def _refused(request: HttpRequest, complaint: Complaint, error: CaseActionError) -> HttpResponse:
    messages.error(request, str(error))
    return redirect("backoffice:complaints_detail", pk=complaint.pk)


def _form_action(
    request: HttpRequest,
    complaint: Complaint,
    form: forms.Form,
    *,
    form_name: str,
    act: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Run one service with a valid form's data: a refusal becomes a message, bad input goes
    back onto the form (input kept), success redirects to the complaint."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except CaseActionError as error:
            return _refused(request, complaint, error)
        except ValidationError as error:
            errors_from(form, error)
        else:
            return _done(request, complaint, done)
    return _page(request, complaint, **{form_name: form})


@market_staff_required
@require_POST
def complaint_accept(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible(request, pk)
    try:
        services.complaint_accept(actor=staff_user(request), complaint=complaint)
    except CaseActionError as error:
        return _refused(request, complaint, error)
    return _done(request, complaint, _("The complaint is accepted."))


@market_staff_required
@require_POST
def complaint_decline(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible(request, pk)
    actor = staff_user(request)
    return _form_action(
        request,
        complaint,
        cf.DeclineForm(request.POST),
        form_name="decline_form",
        act=lambda data: services.complaint_decline_to_accept(
            actor=actor, complaint=complaint, reason=data["reason"]
        ),
        done=_("The complaint is not accepted; the case is closed."),
    )


@market_staff_required
@require_POST
@submit_once
def complaint_refer(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible(request, pk)
    actor = staff_user(request)
    return _form_action(
        request,
        complaint,
        cf.ReferForm(request.POST),
        form_name="refer_form",
        act=lambda data: services.complaint_refer_to_labour_inspection(
            actor=actor, complaint=complaint, authority=data["authority"], note=data["note"]
        ),
        done=_("The complaint is referred to labour inspection."),
    )


@market_staff_required
@require_POST
def complaint_referral_update(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    complaint = _visible(request, pk)
    referral = complaint.referrals.filter(pk=referral_pk).first()
    if referral is None:
        raise Http404
    form = cf.ReferralUpdateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        on = data["on"]
        at = None
        if on is not None:
            at = (
                timezone.now()
                if on == timezone.localdate()
                else timezone.make_aware(datetime.combine(on, time(12, 0)))
            )
        try:
            services.complaint_referral_update(
                actor=staff_user(request),
                referral=referral,
                status=data["status"],
                at=at,
                note=data["note"],
                outcome=data["outcome"],
                inspection_reference=data["inspection_reference"],
            )
        except CaseActionError as error:
            return _refused(request, complaint, error)
        except ValidationError as error:
            errors_from(form, _renamed(error, {"at": "on"}))
        else:
            return _done(request, complaint, _("The inspection's progress is recorded."))
    return _page(request, complaint, update_form=form)


@market_staff_required
@require_POST
def complaint_suspend_posting(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible(request, pk)
    try:
        services.complaint_posting_suspend(actor=staff_user(request), complaint=complaint)
    except CaseActionError as error:
        return _refused(request, complaint, error)
    return _done(request, complaint, _("The job posting is suspended: it is off every screen."))


@market_staff_required
@require_POST
def complaint_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible(request, pk)
    actor = staff_user(request)
    return _form_action(
        request,
        complaint,
        cf.ResolveForm(request.POST),
        form_name="resolve_form",
        act=lambda data: services.complaint_resolve(
            actor=actor, complaint=complaint, outcome=data["outcome"]
        ),
        done=_("The complaint is resolved."),
    )


@market_staff_required
@require_POST
def complaint_satisfaction(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _visible(request, pk)
    actor = staff_user(request)
    return _form_action(
        request,
        complaint,
        cf.SatisfactionForm(request.POST),
        form_name="satisfaction_form",
        act=lambda data: services.complaint_satisfaction_record(
            actor=actor,
            complaint=complaint,
            satisfaction=data["satisfaction"],
            note=data["note"],
        ),
        done=_("The satisfaction is recorded; the case is closed."),
    )
