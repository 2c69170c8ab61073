"""The records of online sign-in: the codes sent by text message and the failed tries.

A code is kept only as a keyed hash (``code_hash``), with the mobile it was sent to encrypted
(``cases.crypto``) and its lookup hash beside it. A failure is one row per wrong try, keyed
by the mobile's lookup hash and by the client's address: the lock-out counts them.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.crypto import EncryptedTextField


class SignInCode(models.Model):
    """A 6-digit code sent to a mobile (短信验证码): valid for a few minutes, used once."""

    mobile = EncryptedTextField(_("mobile"))
    mobile_index = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    # Where it was asked for from: an address asks for a bounded number of codes.
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [
            models.Index(fields=["mobile_index", "-created_at"], name="online_code_mobile"),
            models.Index(fields=["address", "created_at"], name="online_code_address"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} · {self.created_at:%Y-%m-%d %H:%M}"


class SignInFailure(models.Model):
    """One wrong (or expired, or replayed) code typed for a mobile from an address."""

    mobile_index = models.CharField(max_length=64)
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        indexes = [
            models.Index(fields=["mobile_index", "at"], name="online_failure_mobile"),
            models.Index(fields=["address", "at"], name="online_failure_address"),
        ]

    def __str__(self) -> str:
        return f"{self.address} · {self.at:%Y-%m-%d %H:%M}"
