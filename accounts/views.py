from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from accounts.otp import is_verified

from . import services
from .decorators import password_expiry_exempt, second_factor_not_required
from .forms import SignInForm, TOTPConfirmForm
from .sessions import session_start


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_not_required
@sensitive_post_parameters("password", "otp_token")
@csrf_protect
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.user
        assert user is not None  # noqa: S101 -- set by a valid form
        login(request, user)
        session_start(request)
        if form.device is not None:
            otp_login(request, form.device)
            return HttpResponseRedirect(_safe_next(request))
        return redirect("accounts:otp_setup")
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this when an account is locked after repeated failures."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # A message rather than a form error: an unbound form cannot carry errors.
    messages.error(
        request,
        _(
            "Too many failed sign-in attempts: this account is locked for %(minutes)d minutes. "
            "Ask your security administrator if you need it sooner."
        )
        % {"minutes": minutes},
    )
    return render(request, "accounts/sign_in.html", {"form": SignInForm(request)}, status=403)


@require_POST
@second_factor_not_required
@password_expiry_exempt
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out here and on every other device the user is signed in on."""
    if request.user.is_authenticated:
        services.user_end_all_sessions(user=request.user)
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@second_factor_not_required
@password_expiry_exempt
@never_cache
def otp_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: enrol an authenticator app by QR code, then show the backup codes."""
    user = request.user
    if is_verified(user) or user_has_device(user):
        return redirect(settings.LOGIN_REDIRECT_URL)
    device = services.totp_enrolment_device(user=user)  # type: ignore[arg-type]
    form = TOTPConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.totp_enrolment_confirm(
                user=user,  # type: ignore[arg-type]
                token=form.cleaned_data["token"],
            )
        except services.SecondFactorError as error:
            form.add_error("token", str(error))
        else:
            otp_login(request, device)
            return render(request, "accounts/backup_codes.html", {"codes": codes})
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title=_("QR code"))
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": _base32(device.bin_key)},
    )


@require_POST
@never_cache
def backup_codes_renew(request: HttpRequest) -> HttpResponse:
    codes = services.backup_codes_issue(user=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/backup_codes.html", {"codes": codes})


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("backoffice:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


password_change = password_expiry_exempt(PasswordChangeView.as_view())
