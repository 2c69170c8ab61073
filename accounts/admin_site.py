"""The administration site, and the rules every page of it follows.

- Only a verified holder of an administrator role comes in (``OTPAdminSite``).
- Every model admin registered on the site is given ``AuditedAdminMixin``: each addition,
  change and deletion made here (and each admin action that changes something) is handed to
  the handlers registered with ``admin_change_handler_register``. The audit app registers one
  that appends the change to the hash-chained event log in the same transaction; without a
  handler, the site refuses to change anything.
- django-simple-history's "revert" form writes only for a holder of the model's change
  permission (the library itself asks only for the view permission).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import update_wrapper
from typing import Any

from django.conf import settings
from django.contrib.admin import ModelAdmin
from django.contrib.admin.utils import unquote
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite as BaseOTPAdminSite

from accounts.otp import is_verified

# Never copied into the trail, whatever the model: credentials and second-factor secrets.
SECRET_FIELDS = frozenset({"password", "key", "token", "bin_key"})


class AdminVerb(StrEnum):
    """What an administrator did to a record in the administration site."""

    ADDED = "added"
    CHANGED = "changed"
    DELETED = "deleted"
    ACCOUNT_DISABLED = "account_disabled"
    SECOND_FACTOR_RESET = "second_factor_reset"


@dataclass(frozen=True)
class AdminChange:
    """One change made in the administration site, for the trail."""

    verb: AdminVerb
    actor: Any  # the signed-in administrator (accounts.User)
    obj: models.Model
    old_values: Mapping[str, Any] = field(default_factory=dict)
    new_values: Mapping[str, Any] = field(default_factory=dict)
    ip_address: str | None = None


AdminChangeHandler = Callable[[AdminChange], object]

_handlers: list[AdminChangeHandler] = []


def admin_change_handler_register(handler: AdminChangeHandler) -> None:
    """Called by the audit app (which this app may not import) from its AppConfig.ready()."""
    if handler not in _handlers:
        _handlers.append(handler)


def admin_change_record(change: AdminChange) -> None:
    """Hand one change to every handler; call it inside the change's own transaction."""
    if not _handlers:
        raise ImproperlyConfigured(
            "No handler records the changes made in the administration site "
            "(the audit app registers one)."
        )
    for handler in _handlers:
        handler(change)


def _plain(value: Any) -> Any:
    """A field's value as the trail keeps it: related rows by primary key, files by name."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | dict):
        return [_plain(item) for item in value]
    return value


def record_values(obj: models.Model, names: Iterable[str] | None = None) -> dict[str, Any]:
    """The values of ``obj``'s concrete fields (or of those ``names``), secrets left out."""
    values: dict[str, Any] = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.name in SECRET_FIELDS or (
            names is not None and model_field.name not in names
        ):
            continue
        values[model_field.name] = _plain(model_field.value_from_object(obj))
    return values


_VALUES_ATTRIBUTE = "_admin_audit_values"


def _request_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class AuditedAdminMixin(ModelAdmin):
    """Puts every change made through a model admin on the trail (see the module docstring).

    ``OTPAdminSite.register`` mixes it into every admin class, the third-party ones included.
    """

    def admin_change(
        self,
        request: HttpRequest,
        obj: models.Model,
        verb: AdminVerb,
        *,
        old_values: Mapping[str, Any] | None = None,
        new_values: Mapping[str, Any] | None = None,
    ) -> None:
        admin_change_record(
            AdminChange(
                verb=verb,
                actor=request.user,
                obj=obj,
                old_values=old_values or {},
                new_values=new_values or {},
                ip_address=_request_ip(request),
            )
        )

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        """Note what the save is about to change (before ``save_model`` writes it): the row as
        it is in the database now against the row as the form leaves it. Computed from the
        database, not from the form's initial values, so a history "revert" is recorded right."""
        obj = super().save_form(request, form, change)
        names = {name for name in form.fields if name not in SECRET_FIELDS}
        new = record_values(obj, names)
        current = (
            type(obj)._default_manager.filter(pk=obj.pk).first()
            if change and obj.pk is not None
            else None
        )
        if current is None:
            values: tuple[dict[str, Any], dict[str, Any]] = ({}, new)
        else:
            old = record_values(current, names)
            changed = {name for name in new if old.get(name) != new[name]}
            values = (
                {name: old[name] for name in changed if name in old},
                {name: new[name] for name in changed},
            )
        setattr(obj, _VALUES_ATTRIBUTE, values)  # read back by log_addition / log_change
        return obj

    def _audit_values(self, obj: models.Model) -> tuple[dict[str, Any], dict[str, Any]]:
        values = getattr(obj, _VALUES_ATTRIBUTE, None)
        return values if values is not None else ({}, {})

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        _old, new = self._audit_values(obj)
        self.admin_change(request, obj, AdminVerb.ADDED, new_values={**record_values(obj), **new})
        return entry

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        old, new = self._audit_values(obj)
        if message:
            new = {**new, "admin_message": message}
        self.admin_change(request, obj, AdminVerb.CHANGED, old_values=old, new_values=new)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        """Called by Django just before the rows are deleted: their last values are kept."""
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            self.admin_change(request, obj, AdminVerb.DELETED, old_values=record_values(obj))
        return entries

    def response_action(self, request: HttpRequest, queryset: Any) -> Any:
        # Django runs actions outside a transaction: a bulk action and its trail stand or fall
        # together.
        with transaction.atomic():
            return super().response_action(request, queryset)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        """django-simple-history's form to revert a record to an earlier version. Reading it
        needs the view permission; reverting needs the change permission, as any change does,
        and is refused while reverting is switched off (SIMPLE_HISTORY_REVERT_DISABLED)."""
        if request.method != "POST":
            return super().history_form_view(  # type: ignore[misc]
                request, object_id, version_id, extra_context
            )
        obj = self.get_object(request, unquote(object_id))
        if (
            obj is None
            or not self.has_change_permission(request, obj)
            or self.revert_disabled(request, obj)  # type: ignore[attr-defined]
        ):
            raise PermissionDenied
        with transaction.atomic():
            return super().history_form_view(  # type: ignore[misc]
                request, object_id, version_id, extra_context
            )


class OTPAdminSite(BaseOTPAdminSite):
    """The administration site: open only to a verified (password + TOTP) holder of one of the
    three administrator roles. It has no sign-in form of its own; it sends people to the
    staff sign-in, which asks for both factors."""

    site_header = _("Gig market back office: administration")
    site_title = _("Administration")
    index_title = _("Administration")

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Register as Django does, with ``AuditedAdminMixin`` mixed into the admin class
        (every admin, the third-party ones included: none can write around the trail)."""
        admin_class = admin_class or ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (AuditedAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
            )
        super().register(model_or_iterable, admin_class, **options)

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
