"""The notice board's back-office pages (公示栏, standard art. 19–21, 24, 28).

Team leads of a market publish, change and archive its policy articles and set its texts;
its officers read them; inspectors read the boards of the markets in their regions. A market
one may not see is 404; administrators (三员分立) get 403. Policy consultation cases cite
articles on their own small page; staff training records have theirs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from cases import permissions as can
from cases.kinds import POLICY_CONSULTATION
from cases.models import Case
from markets.models import Market
from markets.selectors import market_list_visible_to
from noticeboard import selectors
from noticeboard.models import NoticeBlock, PolicyArticle
from noticeboard.services import (
    notice_block_set,
    policy_article_archive,
    policy_article_cite,
    policy_article_create,
    policy_article_update,
    staff_training_record,
)

from ..common.access import back_office_required, led_market_ids, staff_user
from ..common.forms import errors_from
from ..common.once import submit_once
from . import forms


def _market_visible(request: HttpRequest, market_id: int) -> Market:
    return get_object_or_404(market_list_visible_to(user=staff_user(request)), pk=market_id)


def _market_led(request: HttpRequest, market_id: int) -> Market:
    """A market the user leads: 404 when they may not see it, 403 when they only read it."""
    market = _market_visible(request, market_id)
    if not can.leads(staff_user(request), market.pk):
        raise PermissionDenied
    return market


def _article_led(request: HttpRequest, pk: int) -> PolicyArticle:
    visible = market_list_visible_to(user=staff_user(request))
    article = get_object_or_404(
        PolicyArticle.objects.select_related("market__region", "region").filter(market__in=visible),
        pk=pk,
    )
    if not can.leads(staff_user(request), article.market_id):
        raise PermissionDenied
    return article


# --- The board of a market --------------------------------------------------------------------


@back_office_required
def index(request: HttpRequest) -> HttpResponse:
    """/noticeboard/: the boards the user may see."""
    markets = list(market_list_visible_to(user=staff_user(request)).order_by("region__code", "pk"))
    if len(markets) == 1:
        return redirect("backoffice:noticeboard_market", market_id=markets[0].pk)
    return render(request, "backoffice/noticeboard/index.html", {"markets": markets})


@back_office_required
def market_board(request: HttpRequest, market_id: int) -> HttpResponse:
    """/noticeboard/<market>/: the policies and texts of a market's board."""
    market = _market_visible(request, market_id)
    blocks = selectors.notice_block_map(market=market)
    return render(
        request,
        "backoffice/noticeboard/market.html",
        {
            "market": market,
            "can_edit": can.leads(staff_user(request), market.pk),
            "current": selectors.policy_article_list_current(market=market),
            "archived": selectors.policy_article_list_archived(market=market),
            "maintained": selectors.policy_article_list_maintained(market=market),
            "blocks": [(kind, label, blocks.get(kind)) for kind, label in NoticeBlock.Kind.choices],
        },
    )


def _article_arguments(form: forms.PolicyArticleForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "body": data["body"],
        "issuing_body": data["issuing_body"],
        "document_number": data["document_number"],
        "published_on": data["published_on"],
        "source_url": data["source_url"],
        "region_wide": data["region_wide"],
    }


@back_office_required
@require_http_methods(["GET", "POST"])
@submit_once
def article_new(request: HttpRequest, market_id: int) -> HttpResponse:
    market = _market_led(request, market_id)
    form = forms.PolicyArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = policy_article_create(
                actor=staff_user(request), market=market, **_article_arguments(form)
            )
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(
                request, _("The policy “%(title)s” is published.") % {"title": article}
            )
            return redirect("backoffice:noticeboard_market", market_id=market.pk)
    return render(
        request,
        "backoffice/noticeboard/article_form.html",
        {"market": market, "form": form, "article": None},
    )


@back_office_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article_led(request, pk)
    form = forms.PolicyArticleForm(
        request.POST or None, initial=forms.PolicyArticleForm.initial_of(article)
    )
    if request.method == "POST" and form.is_valid():
        try:
            policy_article_update(
                actor=staff_user(request), article=article, **_article_arguments(form)
            )
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("The policy “%(title)s” is saved.") % {"title": article})
            return redirect("backoffice:noticeboard_market", market_id=article.market_id)
    return render(
        request,
        "backoffice/noticeboard/article_form.html",
        {
            "market": article.market,
            "form": form,
            "article": article,
            "archive_form": forms.ArchiveForm(),
        },
    )


@back_office_required
@require_POST
def article_archive(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article_led(request, pk)
    form = forms.ArchiveForm(request.POST)
    if form.is_valid():
        try:
            policy_article_archive(
                actor=staff_user(request), article=article, on=form.cleaned_data["archived_on"]
            )
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("The policy “%(title)s” is archived.") % {"title": article})
            return redirect("backoffice:noticeboard_market", market_id=article.market_id)
    return render(
        request,
        "backoffice/noticeboard/article_form.html",
        {
            "market": article.market,
            "form": forms.PolicyArticleForm(initial=forms.PolicyArticleForm.initial_of(article)),
            "article": article,
            "archive_form": form,
        },
        status=400,
    )


@back_office_required
@require_http_methods(["GET", "POST"])
def block_edit(request: HttpRequest, market_id: int, kind: str) -> HttpResponse:
    market = _market_led(request, market_id)
    if kind not in NoticeBlock.Kind.values:
        raise Http404
    block = NoticeBlock.objects.filter(market=market, kind=kind).first()
    form = forms.NoticeBlockForm(
        request.POST or None, initial={"body": block.body if block else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice_block_set(
                actor=staff_user(request), market=market, kind=kind, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("The text is saved."))
            return redirect("backoffice:noticeboard_market", market_id=market.pk)
    return render(
        request,
        "backoffice/noticeboard/block_form.html",
        {"market": market, "form": form, "kind_label": NoticeBlock.Kind(kind).label},
    )


# --- Citations on a policy consultation case --------------------------------------------------


@back_office_required
@require_http_methods(["GET", "POST"])
@submit_once
def case_citations(request: HttpRequest, case_pk: int) -> HttpResponse:
    """/noticeboard/cases/<case>/citations/: the policies a consultation case cites."""
    user = staff_user(request)
    case = get_object_or_404(
        Case.objects.select_related("market__region").filter(
            market__in=market_list_visible_to(user=user)
        ),
        pk=case_pk,
    )
    may_cite = case.kind == POLICY_CONSULTATION.code and can.work_on(case, user)
    form = forms.CiteForm(
        request.POST or None,
        articles=selectors.policy_article_list_current(market=case.market),
    )
    if request.method == "POST":
        if not may_cite:
            raise PermissionDenied
        if form.is_valid():
            try:
                policy_article_cite(actor=user, case=case, article=form.cleaned_data["article"])
            except ValidationError as error:
                errors_from(form, error)
            else:
                messages.success(request, _("The policy is cited on the case."))
                return redirect("backoffice:noticeboard_case_citations", case_pk=case.pk)
    return render(
        request,
        "backoffice/noticeboard/citations.html",
        {
            "case": case,
            "citations": selectors.case_citation_list(case=case),
            "form": form if may_cite else None,
            "is_consultation": case.kind == POLICY_CONSULTATION.code,
        },
    )


# --- Staff training records (art. 28) ---------------------------------------------------------


@back_office_required
def staff_training(request: HttpRequest) -> HttpResponse:
    """/noticeboard/staff-training/: the records the user may read; team leads record."""
    user = staff_user(request)
    return render(
        request,
        "backoffice/noticeboard/staff_training.html",
        {
            "trainings": selectors.staff_training_list_visible_to(user=user),
            "can_record": bool(led_market_ids(user)),
        },
    )


@back_office_required
@require_http_methods(["GET", "POST"])
@submit_once
def staff_training_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    led = led_market_ids(user)
    if not led:
        raise PermissionDenied
    markets = Market.objects.filter(pk__in=led).order_by("pk")
    form = forms.StaffTrainingForm(
        request.POST or None,
        markets=markets,
        staff=User.objects.filter(memberships__market__in=markets, is_active=True)
        .distinct()
        .order_by("username"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff_training_record(
                actor=user,
                market=data["market"],
                user=data["user"],
                title=data["title"],
                provider=data["provider"],
                date=data["date"],
                hours=data["hours"],
                certificate=data["certificate"],
                note=data["note"],
            )
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("The training is recorded."))
            return redirect("backoffice:noticeboard_staff_training")
    return render(request, "backoffice/noticeboard/staff_training_form.html", {"form": form})
