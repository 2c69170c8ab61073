from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

TOTP_CODE = re.compile(r"\d{6}")


class SignInForm(forms.Form):
    """Password and second factor in one step.

    Any failure (unknown user, wrong password, disabled account, wrong or replayed code) gives
    the same message, so the form never tells which part was wrong. A user who has not yet
    enrolled an authenticator signs in with the password alone and is sent to enrolment; such
    a session reaches no other page.
    """

    error_messages = {
        "invalid": _(
            "Sign-in failed: the user name, password or verification code is not correct, "
            "or the account is disabled."
        ),
    }

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp_token = forms.CharField(
        label=_("Verification code"),
        required=False,
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or a backup code."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        self.device: Device | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        username = cleaned.get("username")
        password = cleaned.get("password")
        if not username or not password:
            return cleaned
        user = authenticate(self.request, username=username, password=password)
        if user is None:
            raise self._invalid()
        assert isinstance(user, User)  # noqa: S101 -- AUTH_USER_MODEL
        if user_has_device(user):
            device = _matching_device(user, cleaned.get("otp_token", "").replace(" ", ""))
            if device is None:
                # The password was right but the second factor was not: count it as a
                # failure for the lock-out all the same.
                user_login_failed.send(
                    sender=__name__, credentials={"username": username}, request=self.request
                )
                raise self._invalid()
            self.device = device
        self.user = user
        return cleaned

    def _invalid(self) -> forms.ValidationError:
        return forms.ValidationError(self.error_messages["invalid"], code="invalid")


def _matching_device(user: User, token: str) -> Device | None:
    """The device that accepts ``token``: six digits go to the authenticator, anything else to
    the backup codes, so a backup code never counts as a failure against the authenticator."""
    if not token:
        return None
    model: type[Device] = TOTPDevice if TOTP_CODE.fullmatch(token) else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(token):
                return device
    return None


class TOTPConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("Verification code"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
