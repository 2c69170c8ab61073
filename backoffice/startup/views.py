"""The pages of start-up help (创业服务, standard art. 23): open a case, the case page with its
four service items, the loan pre-check and its single notice, and the list of open cases.

Thin views: parse, call one service or selector, turn a domain error into a message; bad input
re-renders the page with every field as typed and the service's messages on the fields.
Officers and team leads of the case's market work here; inspectors read the pages of markets
in their regions (the forms are 403 for them); a case one may not see is 404; administrators
(三员分立) get 403 everywhere.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import permissions as can
from cases.models import Case, State
from cases.services import CaseActionError
from cases.sla_selectors import deadline_map_for_cases
from cases.staff_selectors import notice_for_case
from markets.selectors import market_list_worked_in
from workflows.startup.models import PreCheckResult, StartupItem
from workflows.startup.selectors import (
    loan_precheck_list,
    startup_case_get,
    startup_case_list,
    startup_service_list,
)
from workflows.startup.services import (
    criterion_labels,
    loan_precheck,
    startup_close,
    startup_item_record,
    startup_take_in,
)

from ..common.access import back_office_required, market_staff_required, staff_user
from ..common.forms import errors_from
from ..common.intake import contact_mobile_message, receipt_offer
from ..common.once import submit_once
from . import forms as startup_forms

PAGE_SIZE = 25
WORKING_STATES = (State.IN_PROGRESS, State.AWAITING_MATERIALS)


def _case(request: HttpRequest, pk: int) -> Case:
    try:
        return startup_case_get(user=staff_user(request), pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None


# --- The list ---------------------------------------------------------------------------------


@back_office_required
@require_GET
def startup_list(request: HttpRequest) -> HttpResponse:
    """/startup/: the open start-up help cases one may see, oldest first, with their pending
    items and completion deadlines (the team lead's watch list)."""
    user = staff_user(request)
    page = Paginator(startup_case_list(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    deadlines = deadline_map_for_cases(case_ids=[case.pk for case in page])
    return render(
        request,
        "backoffice/startup/list.html",
        {"page": page, "deadlines": deadlines, "can_open": bool(can.market_roles(user))},
    )


# --- Opening ----------------------------------------------------------------------------------


@market_staff_required
@submit_once
def startup_new(request: HttpRequest) -> HttpResponse:
    """/startup/new/: the person and their plan; then the case page."""
    user = staff_user(request)
    markets = market_list_worked_in(user=user)
    if not markets:
        raise PermissionDenied
    form = startup_forms.StartupOpenForm(request.POST or None, markets=markets)
    if request.method == "POST" and form.is_valid():
        market = form.chosen_market()
        if market is None:
            raise PermissionDenied
        try:
            data = form.cleaned_data
            case = startup_take_in(
                actor=user,
                market=market,
                name=data["name"],
                id_number=data["id_number"],
                mobile=data["mobile"],
                channel=data["channel"],
                plan_summary=data["plan_summary"],
                use_registered_name=data["use_registered_name"],
            )
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(
                request,
                _("Start-up help case %(reference)s is open.") % {"reference": case.reference},
            )
            contact_mobile_message(request, case)
            receipt_offer(request, case)
            return redirect("backoffice:startup_case", pk=case.pk)
    form.focus_first_error()
    return render(request, "backoffice/startup/new.html", {"form": form})


# --- The case page ----------------------------------------------------------------------------


def _case_page(
    request: HttpRequest,
    case: Case,
    *,
    item_form: tuple[str, startup_forms.StartupItemForm] | None = None,
    precheck_form: startup_forms.LoanPreCheckForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = staff_user(request)
    may_work = can.work_on(case, user) and case.state in WORKING_STATES
    services = []
    for service in startup_service_list(case=case):
        form = startup_forms.StartupItemForm(
            initial={"outcome": "" if service.outcome == "pending" else service.outcome},
            auto_id=f"id_{service.item}_%s",
        )
        if item_form is not None and item_form[0] == service.item:
            form = item_form[1]
        services.append({"service": service, "form": form})
    checks = [
        {
            "check": check,
            "missing": criterion_labels(check.missing),
            "failed": criterion_labels(check.failed),
        }
        for check in loan_precheck_list(case=case)
    ]
    if precheck_form is None:
        precheck_form = startup_forms.LoanPreCheckForm(auto_id="id_loan_%s")
    else:
        precheck_form.focus_first_error()
    return render(
        request,
        "backoffice/startup/detail.html",
        {
            "case": case,
            "services": services,
            "checks": checks,
            "precheck_form": precheck_form,
            "notice": notice_for_case(case=case),
            "deadlines": deadline_map_for_cases(case_ids=[case.pk]),
            "may_work": may_work,
            "may_close": may_work and case.state == State.IN_PROGRESS,
        },
        status=status,
    )


@back_office_required
@require_GET
def startup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """/startup/<pk>/: the case, its four services, the loan pre-checks and the notice."""
    return _case_page(request, _case(request, pk))


def _refused(request: HttpRequest, case: Case, error: Exception) -> HttpResponse:
    if isinstance(error, PermissionDenied):
        messages.error(request, _("Only the case's owner or a team lead may do this."))
    else:
        messages.error(request, str(error))
    return redirect("backoffice:startup_case", pk=case.pk)


@market_staff_required
@require_POST
def startup_item(request: HttpRequest, pk: int, item: str) -> HttpResponse:
    """Record the outcome of one service item."""
    case = _case(request, pk)
    if item not in StartupItem.values:
        raise Http404
    form = startup_forms.StartupItemForm(request.POST, auto_id=f"id_{item}_%s")
    if not form.is_valid():
        return _case_page(request, case, item_form=(item, form), status=400)
    try:
        service = startup_item_record(
            actor=staff_user(request),
            case=case,
            item=item,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        errors_from(form, error)
        return _case_page(request, case, item_form=(item, form), status=400)
    except (CaseActionError, PermissionDenied) as error:
        return _refused(request, case, error)
    messages.success(request, _("Recorded: %(service)s.") % {"service": service})
    return redirect(reverse("backoffice:startup_case", args=[case.pk]) + "#services")


@market_staff_required
@require_POST
@submit_once
def startup_precheck(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the loan pre-check; when materials are missing, the single notice is issued."""
    case = _case(request, pk)
    form = startup_forms.LoanPreCheckForm(request.POST, auto_id="id_loan_%s")
    if not form.is_valid():
        return _case_page(request, case, precheck_form=form, status=400)
    try:
        check = loan_precheck(actor=staff_user(request), case=case, data=form.cleaned_data)
    except ValidationError as error:
        errors_from(form, error)
        return _case_page(request, case, precheck_form=form, status=400)
    except (CaseActionError, PermissionDenied) as error:
        return _refused(request, case, error)
    if check.result == PreCheckResult.PRE_ELIGIBLE:
        messages.success(request, _("Pre-eligible: refer the applicant to the guarantee fund."))
    elif check.result == PreCheckResult.NOT_ELIGIBLE:
        messages.warning(
            request,
            _("Not eligible: %(reasons)s.")
            % {"reasons": "、".join(criterion_labels(check.failed))},
        )
    elif check.notice_id is not None:
        messages.success(
            request,
            _("Materials missing: %(missing)s. The single notice lists them all; print it.")
            % {"missing": "、".join(criterion_labels(check.missing))},
        )
    else:
        messages.warning(
            request,
            _("Materials missing: %(missing)s. No new notice was issued: %(reason)s")
            % {
                "missing": "、".join(criterion_labels(check.missing)),
                "reason": check.notice_refused,
            },
        )
    return redirect(reverse("backoffice:startup_case", args=[case.pk]) + "#loan")


@market_staff_required
@require_POST
def startup_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete the case (resolve with a summary, close) once no item is pending."""
    case = _case(request, pk)
    try:
        case = startup_close(actor=staff_user(request), case=case)
    except (CaseActionError, PermissionDenied) as error:
        return _refused(request, case, error)
    messages.success(request, _("Case %(reference)s is completed.") % {"reference": case.reference})
    return redirect("backoffice:startup_case", pk=case.pk)
