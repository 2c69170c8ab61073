from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin as BaseAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin as BaseStaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as BaseTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .admin_site import AdminVerb, AuditedAdminMixin
from .models import User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, SimpleHistoryAdmin, BaseUserAdmin):
    """Staff accounts. Roles are granted as memberships (markets), never as Django flags."""

    list_display = ["username", "full_name", "email", "is_active", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["username", "full_name", "email"]
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal information"), {"fields": ["full_name", "email"]}),
        (
            _("Status"),
            {"fields": ["is_active", "last_login", "date_joined", "password_changed_at"]},
        ),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["username", "full_name", "password1", "password2"]},
        ),
    ]
    actions = ["disable_accounts", "reset_second_factor"]

    def save_model(self, request: HttpRequest, obj: User, form: object, change: bool) -> None:
        # Compared with the row as stored, not with the form's initial values: a history
        # "revert" to a disabled version disables the account too.
        was_active = (
            User.objects.filter(pk=obj.pk).values_list("is_active", flat=True).first()
            if change
            else None
        )
        super().save_model(request, obj, form, change)
        if was_active and not obj.is_active:
            services.user_end_all_sessions(user=obj)

    @admin.action(description=_("Disable the selected accounts"), permissions=["change"])
    def disable_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            with transaction.atomic():
                was_active = user.is_active
                user = services.user_disable(actor=request.user, user=user)  # type: ignore[arg-type]
                if was_active:
                    self.admin_change(
                        request,
                        user,
                        AdminVerb.ACCOUNT_DISABLED,
                        old_values={"is_active": True},
                        new_values={"is_active": False, "sessions_ended": True},
                    )
        messages.success(request, _("The accounts are disabled and their sessions ended."))

    @admin.action(
        description=_("Reset the second factor of the selected accounts"),
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            with transaction.atomic():
                removed = services.user_reset_second_factor(
                    actor=request.user,  # type: ignore[arg-type]
                    user=user,
                )
                self.admin_change(
                    request,
                    user,
                    AdminVerb.SECOND_FACTOR_RESET,
                    old_values={"devices": removed},
                    new_values={"devices": [], "sessions_ended": True},
                )
        messages.success(
            request, _("The second factor is reset; the users enrol again at their next sign-in.")
        )

    def has_reset_second_factor_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("otp_totp.delete_totpdevice")


class SecondFactorDeviceAdmin(AuditedAdminMixin):
    """A second-factor device in the administration site. The security administrator can
    remove one (which ends its owner's sessions, like a reset), never read its secret: the
    key, the QR code and the backup codes are shown to nobody (OTP_ADMIN_HIDE_SENSITIVE_DATA
    hides them in the forms; the views that would show them are closed here as well)."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.second_factor_device_delete(actor=request.user, device=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for device in queryset:
            services.second_factor_device_delete(actor=request.user, device=device)  # type: ignore[arg-type]


class TOTPDeviceAdmin(SecondFactorDeviceAdmin, BaseTOTPDeviceAdmin):
    def config_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        raise PermissionDenied

    def qrcode_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        raise PermissionDenied

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "key"]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_list_display(self, request: HttpRequest) -> Any:
        return [name for name in super().get_list_display(request) if name != "qrcode_link"]


class StaticDeviceAdmin(SecondFactorDeviceAdmin, BaseStaticDeviceAdmin):
    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return []  # the backup codes themselves


class AccessAttemptAdmin(BaseAccessAttemptAdmin):
    """Lock-outs (django-axes): read by the security and audit administrators; the security
    administrator lifts one by deleting it. django-axes' own "clean up expired attempts" action
    asks for no permission at all (a reader could delete rows with it): it is left out."""

    actions: list[str] = []


# django-otp and django-axes register their own admins when their apps' admin modules load;
# replace them.
for _model, _admin_class in (
    (TOTPDevice, TOTPDeviceAdmin),
    (StaticDevice, StaticDeviceAdmin),
    (AccessAttempt, AccessAttemptAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin_class)
