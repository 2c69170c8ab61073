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
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import SavedView, User
from accounts.selectors import saved_view_get_for_owner, saved_view_list_for
from accounts.services import saved_view_create, saved_view_delete, saved_view_rename
from audit.events import request_ip
from audit.selectors import EventCursor
from cases import permissions as can
from cases.intake import case_intake
from cases.kinds import kind_get
from cases.models import Case, State, Transfer
from cases.receipt_selectors import case_receipt
from cases.retention import applicant_data_export
from cases.selectors import (
    case_get_visible,
    case_list_mine,
    case_list_unclaimed,
    cases_filtered,
    cases_read_whole,
    transfer_list_waiting_for,
)
from cases.services import (
    BULK_REASSIGN_MAX,
    CaseActionError,
    applicant_id_number_reveal,
    case_bulk_reassign,
    case_transfer_accept,
    case_transfer_decline,
    case_view_record,
)
from cases.sla_selectors import case_deadline_map, deadline_map_for_cases
from cases.staff_selectors import (
    audit_event_page_for_case,
    case_history_page,
    case_list_for_market,
    case_note_page,
    case_transfer_page,
    notice_for_case,
    notice_item_list,
    staff_choices_for_markets,
    transfer_get_for_receiver,
)
from markets.models import Market

from ..common.access import (
    back_office_required,
    market_for_supervisor,
    market_staff_required,
    staff_user,
    visible_or_404,
)
from ..common.attachments import attachment_section
from ..common.intake import contact_mobile_message, receipt_offer
from ..common.once import submit_once
from ..common.pages import DESK_COUNT_CAP, bounded_page, list_plans, pages_read_together
from ..common.params import id_parse
from . import forms
from .actions import ACTIONS, actions_allowed, may_reveal_id
from .filters import FILTER_KEYS, CaseFilterForm, desk_filters, market_filters
from .forms import SavedViewNameForm

PAGE_SIZE = 25


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
@list_plans()
def workbench(request: HttpRequest) -> HttpResponse:
    """My open cases, the unclaimed cases of my markets (both filtered alike), the transfers
    waiting for me."""
    user = staff_user(request)
    market_ids = sorted(can.market_roles(user))
    filters = desk_filters(_filter_data(request), market_ids=market_ids)
    criteria = filters.criteria()
    mine = bounded_page(
        request,
        # My cases are in my markets, and mine: their clocks are read through my clocks' index.
        cases_filtered(
            case_list_mine(user=user), market_ids=market_ids, **{**criteria, "owner_id": user.pk}
        ),
        per_page=PAGE_SIZE,
        param="mine",
        cap=DESK_COUNT_CAP,
    )
    unclaimed = bounded_page(
        request,
        # The unclaimed cases are the new ones: said to the filter too, which reads their clocks
        # as nobody's (a new case has no owner).
        cases_filtered(
            case_list_unclaimed(user=user),
            market_ids=market_ids,
            **{**criteria, "state": criteria.get("state") or State.NEW},
        ),
        per_page=PAGE_SIZE,
        param="unclaimed",
        cap=DESK_COUNT_CAP,
    )
    transfers = bounded_page(
        request,
        transfer_list_waiting_for(user=user),
        per_page=PAGE_SIZE,
        param="transfers",
        cap=DESK_COUNT_CAP,
    )
    pages_read_together(mine, unclaimed)  # both queues' rows in one query
    return render(
        request,
        "backoffice/workbench.html",
        {
            "mine": mine,
            "unclaimed": unclaimed,
            "transfers": transfers,
            "filters": filters,
            "saved": _saved_views(request, SavedView.Page.WORKBENCH, None, filters),
            "deadlines": case_deadline_map([*mine, *unclaimed, *(t.case for t in transfers)]),
            "can_open_cases": bool(can.market_roles(user)),
            "decline_form": forms.DeclineTransferForm(),
        },
    )


def _filter_data(request: HttpRequest) -> Any:
    """The list's filter from its address; unbound (the defaults) when it carries none."""
    return request.GET if any(key in request.GET for key in FILTER_KEYS) else None


def _saved_views(
    request: HttpRequest, page: str, market_id: int | None, filters: CaseFilterForm
) -> dict[str, Any]:
    """The user's saved views of this list, and the form that saves the current filter."""
    return {
        "views": [
            (view, _list_url(view))
            for view in saved_view_list_for(
                user=staff_user(request), page=page, market_id=market_id
            )
        ],
        "query": filters.query(),
        "page": page,
        "market_id": market_id,
        "form": SavedViewNameForm(),
    }


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
    # (The flags are case_get_visible's: each list is read only when it has anything.)
    notice = notice_for_case(case=case) if getattr(case, "has_notice", True) else None
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
            # Each list that grows with the case is paged on its own (its cursor named here).
            "transfers": case_transfer_page(case=case, before=request.GET.get("transfers_before")),
            "waiting_transfers": (
                transfer_list_waiting_for(user=user).filter(case=case)
                if getattr(case, "has_pending_transfer", True)
                else []
            ),
            "notes": case_note_page(case=case, before=request.GET.get("notes_before")),
            "events": audit_event_page_for_case(
                case=case, before=EventCursor.parse(request.GET.get("before"))
            ),
            "history": case_history_page(case=case, before=request.GET.get("history_before")),
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
    case = _visible_case(request, pk)
    _viewed(request, case, "detail")
    return _case_page(request, case)


def _viewed(request: HttpRequest, case: Case, page: str) -> None:
    """An inspector's reading of the case is on the trail (``case.viewed``)."""
    case_view_record(
        actor=staff_user(request), case=case, page=page, ip_address=request_ip(request)
    )


@back_office_required
@require_POST
@submit_once
def case_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """POST /cases/<pk>/<verb>/: one action, one service. Success and refusals redirect back
    (PRG); bad input re-renders the case page with the errors and what was entered."""
    case = _visible_case(request, pk)
    user = staff_user(request)
    if not can.acts_on(case, user):  # an inspector reads the case, and only reads it
        raise PermissionDenied(_("You read this case; you take no part in its work."))
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
    _viewed(request, case, "notice")
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
    _viewed(request, case, "receipt")
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


def _led_market(request: HttpRequest, market_id: int) -> Market:
    """A market the user leads (403 for everyone else, whether the market exists or not)."""
    if not can.leads(staff_user(request), market_id):
        raise PermissionDenied
    market: Market = get_object_or_404(Market, pk=market_id)
    return market


@back_office_required
@require_GET
@list_plans()
def market_cases(request: HttpRequest, market_id: int) -> HttpResponse:
    """Every case of a market, filtered and sorted, a page at a time (counted up to a cap).
    Its team leads get a reassign form on each open case and boxes to reassign several at
    once; the inspectors over it read (and export) the same list, changing nothing."""
    user = staff_user(request)
    market = market_for_supervisor(request, market_id)
    may_reassign = can.leads(user, market.pk)
    staff = staff_choices_for_markets(market_ids=[market.pk])  # the filter's, and reassign's
    filters = market_filters(_filter_data(request), market_id=market.pk, staff=staff)
    criteria = filters.criteria()
    page = bounded_page(
        request,
        case_list_for_market(user=user, market_id=market_id, **criteria),
        per_page=PAGE_SIZE,
        # A list read whole is counted by its ids in order: one walk for the count and page.
        in_order=cases_read_whole(**criteria),
    )
    return render(
        request,
        "backoffice/market_cases.html",
        {
            "market": market,
            "filters": filters,
            "cases": page,
            "deadlines": case_deadline_map(page),
            "staff": staff if may_reassign else [],
            "may_reassign": may_reassign,
            "saved": _saved_views(request, SavedView.Page.MARKET, market.pk, filters),
            "bulk_max": BULK_REASSIGN_MAX,
        },
    )


@require_POST
@submit_once
def market_cases_reassign(request: HttpRequest, market_id: int) -> HttpResponse:
    """Reassign the cases ticked on the market's list to one colleague: the first POST shows
    what will happen, the second (``confirm``) does it, all or nothing."""
    user = staff_user(request)
    market = _led_market(request, market_id)
    list_url = reverse("backoffice:market_cases", args=[market.pk])
    back = _back_to(request, list_url)
    form = forms.BulkReassignForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    to_user = form.cleaned_data["to_user"]
    case_ids = form.cleaned_data["cases"]
    if not form.cleaned_data["confirm"]:
        return render(
            request,
            "backoffice/market_cases_reassign.html",
            {
                "market": market,
                "to_user": to_user,
                "cases": case_list_for_market(user=user, market_id=market.pk).filter(
                    pk__in=case_ids
                ),
                "case_ids": case_ids,
                "next": back,
            },
        )
    try:
        done = case_bulk_reassign(
            actor=user, market_id=market.pk, case_ids=case_ids, to_user=to_user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except CaseActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d case is now with %(owner)s.",
                "%(count)d cases are now with %(owner)s.",
                len(done.reassigned),
            )
            % {"count": len(done.reassigned), "owner": to_user},
        )
        if done.unchanged:
            messages.info(
                request,
                ngettext(
                    "%(count)d case was with %(owner)s already.",
                    "%(count)d cases were with %(owner)s already.",
                    len(done.unchanged),
                )
                % {"count": len(done.unchanged), "owner": to_user},
            )
    return redirect(back)


# --- Saved views of the lists ---------------------------------------------------------------


def _list_url(view: SavedView) -> str:
    if view.page == SavedView.Page.MARKET:
        base = reverse("backoffice:market_cases", args=[view.market_id])
    else:
        base = reverse("backoffice:workbench")
    return f"{base}?{view.query}" if view.query else base


@back_office_required
@require_GET
def saved_views(request: HttpRequest) -> HttpResponse:
    """The user's own saved views: open, rename, delete."""
    views = [
        (
            view,
            _list_url(view),
            SavedViewNameForm(initial={"name": view.name}, prefix=f"v{view.pk}"),
        )
        for view in saved_view_list_for(user=staff_user(request))
    ]
    return render(request, "backoffice/saved_views.html", {"views": views})


@back_office_required
@require_POST
@submit_once
def saved_view_save(request: HttpRequest) -> HttpResponse:
    """Save a list's current filter under a name: the filter is checked again by the list's
    own form (only valid values are kept), for a list the user may open."""
    user = staff_user(request)
    page = request.POST.get("page", "")
    market_id = id_parse(request.POST.get("market", "")) if page == SavedView.Page.MARKET else None
    if page == SavedView.Page.MARKET and market_id is not None:
        market = market_for_supervisor(request, market_id)
        filters = market_filters(QueryDict(request.POST.get("query", "")), market_id=market.pk)
        target = reverse("backoffice:market_cases", args=[market.pk])
    elif page == SavedView.Page.WORKBENCH:
        filters = desk_filters(
            QueryDict(request.POST.get("query", "")), market_ids=sorted(can.market_roles(user))
        )
        target = reverse("backoffice:workbench")
    else:
        raise Http404
    query = filters.query()
    form = SavedViewNameForm(request.POST)
    if form.is_valid():
        try:
            view = saved_view_create(
                actor=user,
                name=form.cleaned_data["name"],
                page=page,
                market_id=market_id,
                query=query,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The view “%(name)s” is saved.") % {"name": view.name})
    else:
        messages.error(request, _("Give the view a name."))
    return redirect(f"{target}?{query}" if query else target)


def _own_view(request: HttpRequest, pk: int) -> SavedView:
    return visible_or_404(saved_view_get_for_owner, user=staff_user(request), pk=pk)


@back_office_required
@require_POST
def saved_view_rename_view(request: HttpRequest, pk: int) -> HttpResponse:
    view = _own_view(request, pk)
    form = SavedViewNameForm(request.POST, prefix=f"v{view.pk}")
    if not form.is_valid():
        messages.error(request, _("Give the view a name."))
        return redirect("backoffice:saved_views")
    try:
        view = saved_view_rename(
            actor=staff_user(request), view=view, name=form.cleaned_data["name"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The view is now called “%(name)s”.") % {"name": view.name})
    return redirect("backoffice:saved_views")


@back_office_required
@require_POST
def saved_view_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    view = _own_view(request, pk)
    saved_view_delete(actor=staff_user(request), view=view)
    messages.success(request, _("The view “%(name)s” is deleted.") % {"name": view.name})
    return redirect("backoffice:saved_views")
