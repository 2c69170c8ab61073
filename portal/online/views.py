"""The online self-service pages (网上办事, standard art. 26–27): public URLs
(``login_not_required``: applicants are not staff users) that answer only to the applicant
signed in with a code sent to their mobile (``cases.applicant_session``). Thin: each parses
its form, calls one service or selector of ``online`` (or of the services the counter uses)
and renders.

Sign-in: the mobile (``sign_in``), then the code (``sign_in_code``). A mobile with one
applicant signs in as them; with several, the applicant chooses (``choose``); with none, it is
kept in the session as verified and sent to registration.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from audit.events import request_ip
from cases.applicant_session import (
    applicant_from_request,
    applicant_sign_in,
    applicant_sign_out,
)
from cases.identity import mobile_mask
from cases.models import Applicant
from online import selectors, services

from . import session
from .forms import ChooseApplicantForm, CodeForm, MobileForm

View = Callable[..., HttpResponse]


def public(view: View) -> View:
    """A public page of the online service: no staff sign-in, never cached."""
    return login_not_required(never_cache(view))


def applicant_required(view: View) -> View:
    """The page of a signed-in applicant (``request.applicant``); others go to sign in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        applicant = applicant_from_request(request)
        if applicant is None:
            return redirect("portal:online:sign_in")
        request.applicant = applicant  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return public(wrapped)


def _applicant(request: HttpRequest) -> Applicant:
    applicant: Applicant = request.applicant  # type: ignore[attr-defined]
    return applicant


def _form_error(form: Any, field: str, error: ValidationError) -> None:
    for message in error.message_dict.get(field, error.messages):
        form.add_error(field if field in form.fields else None, message)


# --- Sign-in ----------------------------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if applicant_from_request(request) is not None:
        return redirect("portal:online:home")
    form = MobileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            code = services.sign_in_code_send(
                mobile=form.cleaned_data["mobile"], address=request_ip(request)
            )
        except ValidationError as error:
            _form_error(form, "mobile", error)
        except services.SignInRefused as refused:
            form.add_error(None, refused.message)
        else:
            request.session[session.PENDING] = code.pk
            return redirect("portal:online:sign_in_code")
    return render(request, "portal/online/sign_in.html", {"form": form})


@public
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    pending = session.code_from_session(request, session.PENDING)
    if pending is None:
        return redirect("portal:online:sign_in")
    address = request_ip(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        form = CodeForm()
        try:
            code = services.sign_in_code_send(mobile=pending.mobile, address=address)
        except services.SignInRefused as refused:
            form.add_error(None, refused.message)
        else:
            request.session[session.PENDING] = code.pk
            messages.success(request, _("A new code has been sent."))
            return redirect("portal:online:sign_in_code")
    elif request.method == "POST" and form.is_valid():
        try:
            verified = services.sign_in_code_verify(
                mobile=pending.mobile, code=form.cleaned_data["code"], address=address
            )
        except services.SignInRefused as refused:
            form.add_error(None, refused.message)
        else:
            return _signed_in(request, verified)
    return render(
        request,
        "portal/online/sign_in_code.html",
        {"form": form, "mobile_masked": mobile_mask(pending.mobile)},
    )


def _signed_in(request: HttpRequest, verified: services.Verified) -> HttpResponse:
    request.session.pop(session.PENDING, None)
    request.session.cycle_key()
    request.session[session.VERIFIED] = verified.code.pk
    applicants = selectors.applicant_list_for_mobile(mobile=verified.mobile)
    address = request_ip(request)
    if len(applicants) == 1:
        services.sign_in_record(verified=verified, address=address, applicant=applicants[0])
        applicant_sign_in(request, applicants[0])
        return redirect("portal:online:home")
    if applicants:
        return redirect("portal:online:choose")
    services.sign_in_record(verified=verified, address=address, applicant=None)
    return redirect("portal:online:register")


@public
@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest) -> HttpResponse:
    """One mobile, several applicants (a person who also hires as an organisation)."""
    code = session.code_from_session(request, session.VERIFIED)
    if code is None:
        return redirect("portal:online:sign_in")
    applicants = selectors.applicant_list_for_mobile(mobile=code.mobile)
    form = ChooseApplicantForm(
        request.POST or None,
        applicants=[(applicant.pk, applicant.name) for applicant in applicants],
    )
    if request.method == "POST" and form.is_valid():
        chosen = next(a for a in applicants if a.pk == form.cleaned_data["applicant"])
        services.sign_in_record(
            verified=services.Verified(code=code), address=request_ip(request), applicant=chosen
        )
        applicant_sign_in(request, chosen)
        return redirect("portal:online:home")
    return render(request, "portal/online/choose.html", {"form": form})


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    applicant = applicant_from_request(request)
    if applicant is not None:
        services.sign_out_record(applicant=applicant, address=request_ip(request))
    request.session.pop(session.VERIFIED, None)
    request.session.pop(session.PENDING, None)
    applicant_sign_out(request)
    messages.success(request, _("You have signed out."))
    return redirect("portal:online:sign_in")


# --- The applicant's home ---------------------------------------------------------------------


@applicant_required
def home(request: HttpRequest) -> HttpResponse:
    applicant = _applicant(request)
    return render(
        request,
        "portal/online/home.html",
        {"applicant": applicant, "cases": selectors.case_list_for_applicant(applicant=applicant)},
    )


@public
def register(request: HttpRequest) -> HttpResponse:
    """A verified mobile with no applicant yet: register as a job seeker or as an employer."""
    if session.verified_mobile(request) is None:
        return redirect("portal:online:sign_in")
    return render(request, "portal/online/register.html", {})
