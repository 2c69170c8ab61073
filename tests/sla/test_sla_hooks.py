"""``sla`` tells staff through a hook an app above it registers: it may not import
``notifications``, its sibling in the house (``.importlinter``)."""

from __future__ import annotations

import logging

import pytest
import time_machine
from conftest import case_make
from sla_support import at

from accounts.models import User
from cases.staff_alerts import sla_notice_deliver
from notifications.models import Notification
from sla import hooks
from sla.hooks import StaffNotice, staff_notice_handlers, staff_notice_send

pytestmark = pytest.mark.django_db


def test_an_unknown_calendar_year_is_told_through_the_registered_handlers(
    officer: User,
    system_admin: User,
    frozen_time: time_machine.Traveller,
    django_capture_on_commit_callbacks: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    heard: list[StaffNotice] = []
    monkeypatch.setattr(hooks, "_notice_handlers", [heard.append])
    frozen_time.move_to(at(2026, 12, 28, 9))  # Monday; 2027 is unknown to chinesecalendar

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        case_make(officer, subject="政策咨询")

    [notice] = heard
    assert (notice.recipient, notice.link) == (system_admin, "/admin/sla/")
    assert "2027" in notice.text
    assert not Notification.objects.exists()


def test_the_case_engine_puts_sla_notices_in_the_bell(system_admin: User) -> None:
    assert sla_notice_deliver in staff_notice_handlers()

    staff_notice_send(
        StaffNotice(recipient=system_admin, text="2027 年的日历需要录入", link="/admin/sla/")
    )

    [told] = Notification.objects.all()
    assert (told.recipient, told.text, told.link) == (
        system_admin,
        "2027 年的日历需要录入",
        "/admin/sla/",
    )


def test_a_notice_nobody_can_deliver_is_logged_as_an_error_not_lost_silently(
    system_admin: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(hooks, "_notice_handlers", [])

    with caplog.at_level(logging.ERROR, logger="sla.hooks"):
        staff_notice_send(StaffNotice(recipient=system_admin, text="2027 年的日历需要录入"))

    assert "2027 年的日历需要录入" in caplog.text
    assert not Notification.objects.exists()
