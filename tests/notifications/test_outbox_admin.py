"""The outbox in the administration site: registered read-only on the OTP-protected site."""

from __future__ import annotations

from django.contrib import admin
from django.test import RequestFactory

from accounts.admin_site import OTPAdminSite
from notifications.models import OutboxMessage


def test_the_outbox_is_registered_read_only_on_the_otp_protected_site() -> None:
    assert isinstance(admin.site, OTPAdminSite)
    model_admin = admin.site.get_model_admin(OutboxMessage)
    request = RequestFactory().get("/admin/notifications/outboxmessage/")

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
