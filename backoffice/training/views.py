"""The training pages (standard art. 21–22): providers and programmes (team leads keep them,
officers and inspectors read them), referring a seeker to a programme and recording a training
wish (officers), the referral's page with its steps, and the demand-versus-supply report with
its CSV export (team leads and inspectors).

Thin views: parse, call one service or selector, turn a domain error into a message; bad input
re-renders the page with the input kept and the service's messages on the fields. A record of
a market one may not see is 404; a form one may not use is 403; administrators get 403.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from audit.spreadsheets import cell_text
from cases import permissions as can
from cases.models import Case, State
from cases.services import CaseActionError
from markets.models import Market, Region
from markets.selectors import market_ids_visible_to, market_list_visible_to, market_list_worked_in
from workflows.seekers.kinds import SEEKER_REGISTRATION
from workflows.seekers.models import SeekerProfile
from workflows.seekers.selectors import seeker_get_visible
from workflows.training import services
from workflows.training.events import training_report_exported_event
from workflows.training.models import Programme, Provider, TrainingReferral
from workflows.training.selectors import (
    programme_list_for_markets,
    programme_list_open_for_referral,
    provider_list_for_markets,
    referral_list_for_seeker,
    training_demand_report,
)

from ..common.access import (
    back_office_required,
    is_inspector,
    led_market_ids,
    market_staff_required,
    staff_user,
    visible_or_404,
)
from ..common.forms import errors_from
from ..common.intake import receipt_offer
from ..common.once import submit_once
from . import forms as tf


def _led_markets(user: User) -> list[Market]:
    markets = list(
        Market.objects.filter(pk__in=led_market_ids(user), is_active=True).order_by("pk")
    )
    if not markets:
        raise PermissionDenied
    return markets


# --- Providers and programmes -----------------------------------------------------------------


@back_office_required
def programme_list(request: HttpRequest) -> HttpResponse:
    """/training/programmes/: the programmes and providers of the markets one may see."""
    user = staff_user(request)
    ids = market_ids_visible_to(user=user)
    return render(
        request,
        "backoffice/training/programmes.html",
        {
            "programmes": programme_list_for_markets(market_ids=ids),
            "providers": provider_list_for_markets(market_ids=ids).prefetch_related("markets"),
            "may_edit": bool(led_market_ids(user)),
            "today": timezone.localdate(),
        },
    )


def _provider_of(user: User, pk: int) -> Provider:
    provider = (
        provider_list_for_markets(market_ids=market_ids_visible_to(user=user)).filter(pk=pk).first()
    )
    if provider is None:
        raise Http404
    return provider


def _provider_form(request: HttpRequest, provider: Provider | None) -> HttpResponse:
    user = staff_user(request)
    markets = _led_markets(user)
    if provider is not None:
        markets = [m for m in markets if provider.markets.filter(pk=m.pk).exists()]
        if not markets:
            raise PermissionDenied
    initial: dict[str, Any] = {}
    if provider is not None:
        initial = {
            name: getattr(provider, name)
            for name in ("name", "credit_code", "address", "phone", "is_active")
        }
    form = tf.ProviderForm(request.POST or None, markets=markets, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.provider_save(
                actor=user,
                market=form.cleaned_data["market"],
                data=form.cleaned_data,
                provider=provider,
            )
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("The provider “%(name)s” is saved.") % {"name": saved})
            return redirect("backoffice:training_programmes")
    return render(
        request, "backoffice/training/provider_form.html", {"form": form, "provider": provider}
    )


@back_office_required
@submit_once
def provider_new(request: HttpRequest) -> HttpResponse:
    return _provider_form(request, None)


@back_office_required
def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _provider_form(request, _provider_of(staff_user(request), pk))


def _programme_form(request: HttpRequest, programme: Programme | None) -> HttpResponse:
    user = staff_user(request)
    markets = _led_markets(user)
    if programme is not None:
        markets = [m for m in markets if m.pk == programme.market_id]
        if not markets:
            raise PermissionDenied
    providers = provider_list_for_markets(market_ids=[m.pk for m in markets]).filter(is_active=True)
    initial = tf.ProgrammeForm.initial_of(programme) if programme is not None else {}
    form = tf.ProgrammeForm(
        request.POST or None, markets=markets, providers=providers, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.programme_save(
                actor=user,
                market=form.cleaned_data["market"],
                data=form.cleaned_data,
                programme=programme,
            )
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("The programme “%(title)s” is saved.") % {"title": saved})
            return redirect("backoffice:training_programmes")
    return render(
        request, "backoffice/training/programme_form.html", {"form": form, "programme": programme}
    )


@back_office_required
@submit_once
def programme_new(request: HttpRequest) -> HttpResponse:
    return _programme_form(request, None)


@back_office_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(
        Programme.objects.filter(market_id__in=market_ids_visible_to(user=staff_user(request))),
        pk=pk,
    )
    return _programme_form(request, programme)


# --- Referring a seeker, and training wishes --------------------------------------------------


def _refer_market(user: User, seeker: SeekerProfile) -> Market:
    """The market of the user's where the seeker registered, else the user's first market."""
    markets = market_list_worked_in(user=user)
    if not markets:
        raise PermissionDenied
    registered = set(
        Case.objects.filter(
            kind=SEEKER_REGISTRATION.code, applicant=seeker.applicant_id, market__in=markets
        ).values_list("market_id", flat=True)
    )
    return next((m for m in markets if m.pk in registered), markets[0])


def _refer_page(
    request: HttpRequest,
    seeker: SeekerProfile,
    market: Market,
    form: tf.ReferForm,
    wish_form: tf.WishForm,
) -> HttpResponse:
    return render(
        request,
        "backoffice/training/refer.html",
        {
            "seeker": seeker,
            "market": market,
            "form": form,
            "wish_form": wish_form,
            "programmes": form.fields["programme"].queryset,  # type: ignore[attr-defined]
            "referrals": referral_list_for_seeker(seeker=seeker),
        },
    )


@market_staff_required
@submit_once
def refer(request: HttpRequest) -> HttpResponse:
    """/training/refer/?seeker=<pk>: the programmes open to referral, and the referral."""
    user = staff_user(request)
    seeker = visible_or_404(seeker_get_visible, user=user, pk=request.GET.get("seeker"))
    market = _refer_market(user, seeker)
    programmes = programme_list_open_for_referral(market_id=market.pk, today=timezone.localdate())
    form = tf.ReferForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.training_referral_open(
                actor=user,
                market=market,
                seeker=seeker,
                programme=form.cleaned_data["programme"],
                channel=form.cleaned_data["channel"],
            )
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(
                request,
                _("Referred to “%(title)s” (case %(reference)s).")
                % {"title": referral.programme.title, "reference": referral.case.reference},
            )
            receipt_offer(request, referral.case)
            return redirect("backoffice:training_referral", pk=referral.pk)
    return _refer_page(request, seeker, market, form, tf.WishForm())


@require_POST
@market_staff_required
@submit_once
def wish_record(request: HttpRequest) -> HttpResponse:
    """Record a training wish of the seeker (?seeker=<pk>); back to the referral page."""
    user = staff_user(request)
    seeker = visible_or_404(seeker_get_visible, user=user, pk=request.GET.get("seeker"))
    wish_form = tf.WishForm(request.POST)
    if wish_form.is_valid():
        try:
            services.training_wish_record(
                actor=user,
                seeker=seeker,
                occupation=wish_form.cleaned_data["occupation"],
                note=wish_form.cleaned_data["note"],
            )
        except ValidationError as error:
            errors_from(wish_form, error)
        else:
            messages.success(request, _("The training wish is recorded."))
            return redirect(f"{reverse('backoffice:training_refer')}?seeker={seeker.pk}")
    market = _refer_market(user, seeker)
    programmes = programme_list_open_for_referral(market_id=market.pk, today=timezone.localdate())
    return _refer_page(request, seeker, market, tf.ReferForm(programmes=programmes), wish_form)


# --- The referral's page ----------------------------------------------------------------------


def _referral_visible(user: User, pk: int) -> TrainingReferral:
    referral = (
        TrainingReferral.objects.filter(market_id__in=market_ids_visible_to(user=user), pk=pk)
        .select_related("case", "programme__provider", "programme__occupation", "market")
        .select_related("seeker__applicant")
        .defer("seeker__applicant__id_number", "seeker__applicant__mobile")
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def _referral_page(
    request: HttpRequest, referral: TrainingReferral, form: tf.StepForm | None = None
) -> HttpResponse:
    user = staff_user(request)
    may_act = can.work_on(referral.case, user) and referral.is_open
    case_ready = referral.case.state == State.IN_PROGRESS
    return render(
        request,
        "backoffice/training/referral.html",
        {
            "referral": referral,
            "form": form or tf.StepForm(),
            "may": {
                "enrol": may_act and referral.state == "referred",
                "complete": may_act and case_ready and referral.state == "enrolled",
                "drop": may_act and case_ready,
            },
        },
        status=200 if form is None or not form.errors else 400,
    )


@back_office_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """/training/<pk>/: the referral, its case and the steps one may take."""
    return _referral_page(request, _referral_visible(staff_user(request), pk))


STEPS = {
    "enrol": services.training_referral_enrol,
    "complete": services.training_referral_complete,
}


@require_POST
@market_staff_required
def referral_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """POST /training/<pk>/<enrol|complete|drop>/."""
    user = staff_user(request)
    referral = _referral_visible(user, pk)
    form = tf.StepForm(request.POST)
    if step not in (*STEPS, "drop"):
        raise Http404
    if form.is_valid():
        try:
            if step == "drop":
                services.training_referral_drop(
                    actor=user, referral=referral, reason=form.cleaned_data["reason"]
                )
            else:
                STEPS[step](actor=user, referral=referral, note=form.cleaned_data["note"])
        except ValidationError as error:
            errors_from(form, error)
        except CaseActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The referral is updated."))
            return redirect("backoffice:training_referral", pk=referral.pk)
    return _referral_page(request, referral, form)


# --- The demand-versus-supply report (art. 22) ------------------------------------------------


def _report_markets(user: User) -> QuerySet[Market]:
    """Markets one may report on: those one leads, and for inspectors those of their
    regions."""
    if is_inspector(user):
        return market_list_visible_to(user=user).order_by("pk")
    led = led_market_ids(user)
    if not led:
        raise PermissionDenied
    return Market.objects.filter(pk__in=led).select_related("region").order_by("pk")


CSV_HEADER = (
    gettext_lazy("Occupation code"),
    gettext_lazy("Occupation"),
    gettext_lazy("Postings"),
    gettext_lazy("People wanted"),
    gettext_lazy("Seekers wishing"),
    gettext_lazy("Programmes"),
    gettext_lazy("Places"),
    gettext_lazy("Gap"),
)


@back_office_required
def report(request: HttpRequest) -> HttpResponse:
    """/training/report/: occupations in demand and wished for against programmes on offer;
    ``?format=csv`` for the file."""
    user = staff_user(request)
    allowed = _report_markets(user)
    data = request.GET.copy() if "start" in request.GET else {**tf.ReportForm.defaults()}
    form = tf.ReportForm(data, markets=allowed)
    rows = None
    scope = ""
    if form.is_valid():
        markets = allowed
        chosen: Market | None = form.cleaned_data["market"]
        region_code = form.cleaned_data["region"]
        if chosen is not None:
            markets = markets.filter(pk=chosen.pk)
            scope = str(chosen)
        if region_code:
            region = Region.objects.filter(code=region_code).first()
            if region is None:
                form.add_error("region", _("There is no region with this code."))
            else:
                markets = markets.filter(region__code__startswith=region.prefix)
                scope = f"{scope} {region}".strip()
        if not form.errors:
            ids = list(markets.values_list("pk", flat=True))
            rows = training_demand_report(
                market_ids=ids, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
            )
            scope = scope or _("All markets I supervise")
            if request.GET.get("format") == "csv":
                return _report_csv(user, rows, form, chosen, scope)
    return render(
        request,
        "backoffice/training/report.html",
        {"form": form, "rows": rows, "scope": scope, "csv_query": request.GET.urlencode()},
    )


def _report_csv(
    user: User, rows: list[Any], form: tf.ReportForm, market: Market | None, scope: str
) -> HttpResponse:
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    training_report_exported_event(
        user,
        market=market,
        scope=scope,
        start=start.isoformat(),
        end=end.isoformat(),
        rows=len(rows),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="training-report-{start.isoformat()}-{end.isoformat()}.csv"'
    )
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(response)
    writer.writerow([cell_text(title) for title in CSV_HEADER])
    for row in rows:
        writer.writerow(
            [
                cell_text(row.code),
                cell_text(row.name),
                row.postings,
                row.headcount,
                row.wishes,
                row.programmes,
                row.capacity,
                row.gap,
            ]
        )
    return response
