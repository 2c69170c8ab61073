from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
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
        super().save_model(request, obj, form, change)
        if change and "is_active" in getattr(form, "changed_data", []) and not obj.is_active:
            services.user_end_all_sessions(user=obj)

    @admin.action(description=_("Disable the selected accounts"), permissions=["change"])
    def disable_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_disable(actor=request.user, user=user)  # type: ignore[arg-type]
        messages.success(request, _("The accounts are disabled and their sessions ended."))

    @admin.action(
        description=_("Reset the second factor of the selected accounts"),
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_reset_second_factor(actor=request.user, user=user)  # type: ignore[arg-type]
        messages.success(
            request, _("The second factor is reset; the users enrol again at their next sign-in.")
        )

    def has_reset_second_factor_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("otp_totp.delete_totpdevice")
