"""Correcting an applicant's name or mobile (申请人信息更正): its own page, never a side effect
of intake. Two steps: the officer states the change and its reason, then confirms it with the
old and the new value side by side. Staff of a market that serves the applicant (has a case of
theirs) only; anyone else gets 404. Thin: parse, call one service, say what happened."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases.identity import mobile_mask
from cases.models import Applicant
from cases.selectors import applicant_get_for_change
from cases.services import applicant_change_mobile, applicant_change_name

from ..common.access import market_staff_required, staff_user
from . import forms


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: a local ``next``, else nowhere in particular."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _old_value(applicant: Applicant, field: str) -> str:
    return applicant.name if field == forms.ApplicantChangeForm.NAME else applicant.mobile_masked


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
        shown = value if field == form.NAME else mobile_mask(value)
        return render(
            request,
            "backoffice/applicant/change_confirm.html",
            {**context, "old": _old_value(applicant, field), "new": shown, "full_new": value},
        )
    try:
        if field == form.NAME:
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
    messages.success(
        request,
        _("The applicant's name is now “%(name)s”.") % {"name": value}
        if field == form.NAME
        else _("The applicant's mobile is now %(mobile)s.") % {"mobile": mobile_mask(value)},
    )
    return redirect(back or reverse("backoffice:applicant_change", args=[applicant.pk]))
