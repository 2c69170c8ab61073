"""The officer's pages: workbench, counter intake, the case page and its actions, the printed
single notice, and the team lead's market list. Thin: parse, call one service or selector,
turn a domain error into a message."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from cases import permissions as can
from cases.intake import case_intake
from cases.kinds import kind_get
from cases.models import Case, Transfer
from cases.receipt_selectors import case_receipt
from cases.retention import applicant_data_export
from cases.selectors import (
    case_get_visible,
    case_list_mine,
    case_list_unclaimed,
    transfer_list_waiting_for,
)
from cases.services import (
    CaseActionError,
    applicant_id_number_reveal,
    case_transfer_accept,
    case_transfer_decline,
)
from cases.sla_selectors import deadline_map_for_cases
from cases.staff_selectors import (
    audit_event_list_for_case,
    case_history_list,
    case_list_for_market,
    notice_for_case,
    notice_item_list,
    staff_list_for_markets,
    transfer_get_for_receiver,
    transfer_list_for_case,
)
from markets.models import Market

from ..common.access import (
    back_office_required,
    market_staff_required,
    staff_user,
    visible_or_404,
)
from ..common.attachments import attachment_section
from ..common.intake import contact_mobile_message, receipt_offer
from ..common.once import submit_once
from . import forms
from .actions import ACTIONS, actions_allowed, may_reveal_id

PAGE_SIZE = 25


def _page(request: HttpRequest, items: QuerySet[Any], param: str = "page") -> Page[Any]:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get(param))


def _visible_case(request: HttpRequest, pk: int) -> Case:
    return visible_or_404(case_get_visible, user=staff_user(request), pk=pk)


def _back_to(request: HttpRequest, default: str) -> str:
    """The page the form came from (a local ``next``: a path on this site), else ``default``.
    Anything else, even a bare word that ``redirect`` would take for a view name, is ignored."""
    target = request.POST.get("next", "")
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


# --- Workbench --------------------------------------------------------------------------------


@back_office_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    """My open cases, the unclaimed cases of my markets, the transfers waiting for me."""
    user = staff_user(request)
    mine = _page(request, case_list_mine(user=user), "mine")
    unclaimed = _page(request, case_list_unclaimed(user=user), "unclaimed")
    transfers = _page(request, transfer_list_waiting_for(user=user), "transfers")
    case_ids = [case.pk for case in [*mine, *unclaimed]] + [t.case_id for t in transfers]
    return render(
        request,
        "backoffice/workbench.html",
        {
            "mine": mine,
            "unclaimed": unclaimed,
            "transfers": transfers,
            "deadlines": deadline_map_for_cases(case_ids=case_ids),
            "can_open_cases": bool(can.market_roles(user)),
            "decline_form": forms.DeclineTransferForm(),
        },
    )


# --- Intake -----------------------------------------------------------------------------------


@market_staff_required
@submit_once
def case_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = forms.IntakeForm(request.POST or None, market_ids=sorted(can.market_roles(user)))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        market = form.chosen_market()
        if market is None:
            raise PermissionDenied
        try:
            case = case_intake(
                actor=user,
                market=market,
                name=data["name"],
                id_number=data["id_number"],
                mobile=data["mobile"],
                kind=data["kind"],
                channel=data["channel"],
                station=data["station"],
                priority=data["priority"],
                subject=data["subject"],
                description=data["description"],
                use_registered_name=data["use_registered_name"],
            )
        except ValidationError as error:
            forms.errors_from(form, error)
        else:
            messages.success(
                request, _("Case %(reference)s is opened.") % {"reference": case.reference}
            )
            contact_mobile_message(request, case)
            receipt_offer(request, case)
            return redirect("backoffice:case_detail", pk=case.pk)
    return render(request, "backoffice/case/intake.html", {"form": form})


# --- The case page ----------------------------------------------------------------------------


def _action_form(verb: str, case: Case, user: User, data: Any = None) -> forms.CaseActionForm:
    # Several forms share one page: each gets its own element ids.
    return ACTIONS[verb].form(data, case=case, user=user, auto_id=f"id_{verb}_%s")


def _case_page(
    request: HttpRequest,
    case: Case,
    *,
    bound: tuple[str, forms.CaseActionForm] | None = None,
    revealed_id: str = "",
) -> HttpResponse:
    user = staff_user(request)
    notice = notice_for_case(case=case)
    allowed = actions_allowed(case=case, user=user, notice=notice)
    actions = []
    for verb, action in ACTIONS.items():
        if verb not in allowed:
            continue
        form = bound[1] if bound and bound[0] == verb else _action_form(verb, case, user)
        actions.append(
            {
                "verb": verb,
                "label": action.label,
                "form": form,
                "url": reverse(f"backoffice:case_{verb}", args=[case.pk]),
                "open": bool(bound and bound[0] == verb),
            }
        )
    kind = kind_get(case.kind)
    return render(
        request,
        "backoffice/case/detail.html",
        {
            "case": case,
            "deadlines": deadline_map_for_cases(case_ids=[case.pk]),
            "kind_label": kind.label if kind else case.kind,
            "notice": notice,
            "notice_items": notice_item_list(notice=notice) if notice else [],
            "transfers": transfer_list_for_case(case=case),
            "waiting_transfers": transfer_list_waiting_for(user=user).filter(case=case),
            "notes": case.notes.select_related("author"),
            "events": audit_event_list_for_case(case=case),
            "history": case_history_list(case=case),
            "actions": actions,
            "may_reveal_id": may_reveal_id(case=case, user=user),
            "may_change_applicant": can.works_in(user, case.market_id),
            "may_export_applicant": can.lead(case, user),
            "revealed_id": revealed_id,
            "decline_form": forms.DeclineTransferForm(),
            **attachment_section(user=user, case=case),
        },
    )


@back_office_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, _visible_case(request, pk))


@back_office_required
@require_POST
@submit_once
def case_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """POST /cases/<pk>/<verb>/: one action, one service. Success and refusals redirect back
    (PRG); bad input re-renders the case page with the errors and what was entered."""
    case = _visible_case(request, pk)
    user = staff_user(request)
    action = ACTIONS[verb]
    case_url = reverse("backoffice:case_detail", args=[case.pk])
    form = _action_form(verb, case, user, request.POST)
    if form.is_valid():
        try:
            message = action.run(form)
        except ValidationError as error:
            forms.errors_from(form, error)
        except CaseActionError as error:
            messages.error(request, str(error))
            return redirect(case_url)
        except PermissionDenied:
            messages.error(request, _("You may not do this to this case."))
            return redirect(case_url)
        else:
            messages.success(request, message)
            return redirect(_back_to(request, case_url))
    if verb not in actions_allowed(case=case, user=user, notice=notice_for_case(case=case)):
        # Never show an action form to someone who may not act; say why instead.
        messages.error(
            request,
            _("Case %(reference)s is “%(state)s”: this action is not possible now.")
            % {"reference": case.reference, "state": case.get_state_display()},
        )
        return redirect(case_url)
    return _case_page(request, case, bound=(verb, form))


@back_office_required
@require_POST
@never_cache
def case_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the whole ID number once, on this response only; the reveal is audited."""
    case = _visible_case(request, pk)
    try:
        number = applicant_id_number_reveal(actor=staff_user(request), case=case)
    except PermissionDenied:
        messages.error(request, _("You may not see this applicant's whole ID number."))
        return redirect("backoffice:case_detail", pk=case.pk)
    except CaseActionError as error:
        messages.error(request, str(error))
        return redirect("backoffice:case_detail", pk=case.pk)
    response = _case_page(request, case, revealed_id=number)
    response.headers["Cache-Control"] = "no-store"
    return response


@back_office_required
@require_POST
@never_cache
def applicant_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about the case's applicant, as a JSON file to hand over (subject
    access, 个人信息保护法 art. 45): a team lead of the case's market only; audited."""
    case = _visible_case(request, pk)
    data = applicant_data_export(actor=staff_user(request), case=case)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = (
        f'attachment; filename="applicant-{case.applicant_id}-{case.reference}.json"'
    )
    return response


@back_office_required
@require_GET
def case_notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The single notice (一次性告知书) as an A4 page for the applicant."""
    case = _visible_case(request, pk)
    notice = notice_for_case(case=case)
    if notice is None:
        raise Http404
    return render(
        request,
        "backoffice/case/notice_print.html",
        {"case": case, "notice": notice, "items": notice_item_list(notice=notice)},
    )


def case_lookup_url(request: HttpRequest, case: Case) -> str:
    """The public address of the kiosk's status lookup (办件进度查询) of the case's market, with
    the reference filled in; the applicant adds the last four digits of their mobile."""
    path = reverse("portal:kiosk_status", args=[case.market_id])
    query = urlencode({"reference": case.reference})
    base = settings.LGSC_PUBLIC_BASE_URL
    if base:
        return f"{base}{path}?{query}"
    return request.build_absolute_uri(f"{path}?{query}")


def _qr_svg(url: str, title: str) -> SafeString:
    # segno writes the SVG itself (no user input but the escaped title and the URL's modules).
    return mark_safe(segno.make(url, error="m").svg_inline(scale=3, title=title))  # noqa: S308


@back_office_required
@require_GET
def case_receipt_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The acceptance receipt (受理回执) as an A5/A4 page for the applicant: printed at intake,
    reprinted on request. Not an audit event: it shows nothing the case page does not (less:
    the name masked, no mobile digits at all, since the last four are the lookup's secret)."""
    case = _visible_case(request, pk)
    lookup_url = case_lookup_url(request, case)
    return render(
        request,
        "backoffice/case/receipt_print.html",
        {
            "receipt": case_receipt(case=case),
            "case": case,
            "lookup_url": lookup_url,
            "qr_svg": _qr_svg(lookup_url, _("QR code of the case-status lookup")),
        },
    )


# --- Transfers --------------------------------------------------------------------------------


def _transfer_for_receiver(request: HttpRequest, pk: int) -> Transfer:
    try:
        return transfer_get_for_receiver(user=staff_user(request), pk=pk)
    except Transfer.DoesNotExist:
        raise Http404 from None


@market_staff_required
@require_POST
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer_for_receiver(request, pk)
    try:
        case = case_transfer_accept(actor=staff_user(request), transfer=transfer)
    except CaseActionError as error:
        messages.error(request, str(error))
    except PermissionDenied:
        messages.error(request, _("This transfer is not addressed to you."))
    else:
        messages.success(
            request, _("You have accepted case %(reference)s.") % {"reference": case.reference}
        )
        return redirect("backoffice:case_detail", pk=case.pk)
    return redirect("backoffice:workbench")


@market_staff_required
@require_POST
def transfer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer_for_receiver(request, pk)
    form = forms.DeclineTransferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you decline the transfer."))
        return redirect("backoffice:workbench")
    try:
        case = case_transfer_decline(
            actor=staff_user(request), transfer=transfer, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except CaseActionError as error:
        messages.error(request, str(error))
    except PermissionDenied:
        messages.error(request, _("This transfer is not addressed to you."))
    else:
        messages.success(
            request,
            _("You have declined case %(reference)s; it went back to the sender.")
            % {"reference": case.reference},
        )
    return redirect("backoffice:workbench")


# --- The team lead's market list --------------------------------------------------------------


@require_GET
def market_cases(request: HttpRequest, market_id: int) -> HttpResponse:
    """Every case of a market, filtered; a reassign form on each open case. Team leads of the
    market only (403 for everyone else, whether the market exists or not)."""
    user = staff_user(request)
    if not can.leads(user, market_id):
        raise PermissionDenied
    market = get_object_or_404(Market, pk=market_id)
    staff = staff_list_for_markets(market_ids=[market_id])
    staff_list = list(staff)
    filters = forms.MarketCaseFilterForm(request.GET or None, staff=staff)
    criteria: dict[str, Any] = {}
    if filters.is_valid():
        owner = filters.cleaned_data["owner"]
        criteria = {
            "state": filters.cleaned_data["state"],
            "kind": filters.cleaned_data["kind"],
            "owner_id": owner.pk if owner else None,
        }
    page = _page(request, case_list_for_market(user=user, market_id=market_id, **criteria))
    return render(
        request,
        "backoffice/market_cases.html",
        {
            "market": market,
            "filters": filters,
            "cases": page,
            "deadlines": deadline_map_for_cases(case_ids=[case.pk for case in page]),
            "staff": staff_list,
        },
    )
