"""The event log in the administration site can be read and never changed."""

from __future__ import annotations

import pytest
from audit_support import user_make
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.admin_site import OTPAdminSite
from accounts.sessions import LAST_SEEN_AT, SIGNED_IN_AT
from audit import events, services
from audit.actions import ACTION_LABELS
from audit.models import AuditEvent
from audit.services import event_record
from markets.models import Role

pytestmark = pytest.mark.django_db


def verified_client_with_every_audit_permission() -> Client:
    """An audit administrator past both factors who also holds Django's add, change and delete
    permissions on the log (superusers do not exist here): the most rights anyone can have."""
    user = user_make("auditadmin", role=Role.AUDIT_ADMIN)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="audit"))
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = timezone.now().isoformat()
    session.save()
    return client


def test_the_log_is_registered_on_the_otp_protected_site() -> None:
    assert admin.site.is_registered(AuditEvent)
    assert isinstance(admin.site, OTPAdminSite)


def test_the_log_can_be_read_but_not_added_to_changed_or_deleted() -> None:
    event = event_record(action="test.shown", target=user_make("target"))
    client = verified_client_with_every_audit_permission()
    base = "/admin/audit/auditevent/"

    listing = client.get(base, {"q": "target"})
    detail = client.get(f"{base}{event.pk}/change/")

    assert listing.status_code == 200
    assert "test.shown" in listing.content.decode()
    assert detail.status_code == 200
    assert event.hash in detail.content.decode()
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{base}{event.pk}/change/", {"action": "x"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "test.shown"


def test_every_action_the_audit_app_writes_has_a_label() -> None:
    written = {
        value
        for module in (events, services)
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, str) and "." in value
    }
    assert written
    assert written <= set(ACTION_LABELS)


def test_the_log_shows_actions_in_words_in_chinese() -> None:
    event_record(action="auth.signed_in")

    page = verified_client_with_every_audit_permission().get("/admin/audit/auditevent/")

    assert page.status_code == 200
    assert "已登录" in page.content.decode()
