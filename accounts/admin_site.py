from __future__ import annotations

from functools import update_wrapper
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite as BaseOTPAdminSite

from accounts.otp import is_verified


class OTPAdminSite(BaseOTPAdminSite):
    """The administration site: open only to a verified (password + TOTP) holder of one of the
    three administrator roles. It has no sign-in form of its own; it sends people to the
    staff sign-in, which asks for both factors."""

    site_header = _("Gig market back office: administration")
    site_title = _("Administration")
    index_title = _("Administration")

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active and is_verified(user) and user.has_perm("accounts.use_admin_site")
        )

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """Refuse a verified holder of no administrator role with 403 on the page itself,
        rather than sending them to this site's sign-in URL first."""
        protected = super().admin_view(view, cacheable)

        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if user.is_authenticated and is_verified(user) and not self.has_permission(request):
                raise PermissionDenied
            return protected(request, *args, **kwargs)

        return update_wrapper(inner, protected)

    @login_not_required
    def logout(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        """Signing out of the administration site is the staff sign-out: every session ends."""
        from .views import sign_out

        return sign_out(request)

    @login_not_required  # as on Django's AdminSite.login: it is where the anonymous are sent
    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        if request.user.is_authenticated and is_verified(request.user):
            if self.has_permission(request):
                return redirect(f"{self.name}:index")
            # Signed in properly, but holds no administrator role.
            raise PermissionDenied
        return redirect_to_login(
            request.GET.get("next", reverse(f"{self.name}:index")), settings.LOGIN_URL
        )
