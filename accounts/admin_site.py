from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
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

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        if request.user.is_authenticated and is_verified(request.user):
            # Signed in properly, but holds no administrator role.
            raise PermissionDenied
        return redirect_to_login(
            request.GET.get("next", reverse(f"{self.name}:index")), settings.LOGIN_URL
        )
