"""``audit`` tells the audit administrators through a hook an app above it registers: it may
not import ``notifications``, its sibling in the house (``.importlinter``)."""

from __future__ import annotations

import logging

import pytest
from audit_support import user_make

from accounts.models import User
from audit import hooks
from audit.hooks import AdminAlert, admin_alert_handlers, admin_alert_send
from audit.services import chain_heads_anchor, event_record
from cases.staff_alerts import audit_alert_deliver
from markets.models import Role
from notifications.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor() -> User:
    return user_make("auditor", email="auditor@example.gov.cn", role=Role.AUDIT_ADMIN)


def test_anchoring_hands_each_audit_administrator_one_alert_to_the_registered_handlers(
    auditor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet = user_make("quiet.auditor", role=Role.AUDIT_ADMIN)
    heard: list[AdminAlert] = []
    monkeypatch.setattr(hooks, "_handlers", [heard.append])
    head = event_record(action="test.g")

    chain_heads_anchor()

    assert sorted(alert.recipient.username for alert in heard) == ["auditor", "quiet.auditor"]
    for alert in heard:
        assert (
            alert.key.startswith("audit.chains_anchored:") and str(alert.recipient.pk) in alert.key
        )
        assert alert.subject
        assert f"global  #{head.sequence}  {head.hash}" in alert.body
    assert quiet in [alert.recipient for alert in heard]
    # Nothing else delivered them: the handlers registered are the only way out.
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_case_engine_delivers_audit_alerts_to_the_bell_and_by_mail() -> None:
    assert audit_alert_deliver in admin_alert_handlers()
    auditor = user_make("auditor", email="auditor@example.gov.cn", role=Role.AUDIT_ADMIN)
    quiet = user_make("quiet.auditor", role=Role.AUDIT_ADMIN)

    for recipient in (auditor, quiet, auditor):  # the auditor's alert twice: sent once
        audit_alert_deliver(
            AdminAlert(
                recipient=recipient, text="锚定", key=f"k:{recipient.pk}", subject="S", body="B"
            )
        )
    audit_alert_deliver(AdminAlert(recipient=auditor, text="只响铃", key="bell-only"))

    assert sorted(Notification.objects.values_list("recipient__username", "text")) == [
        ("auditor", "只响铃"),
        ("auditor", "锚定"),
        ("quiet.auditor", "锚定"),
    ]
    [mail] = OutboxMessage.objects.all()
    assert (mail.channel, mail.to, mail.subject, mail.body) == (
        OutboxMessage.Channel.EMAIL,
        "auditor@example.gov.cn",
        "S",
        "B",
    )


def test_an_alert_nobody_can_deliver_is_logged_as_an_error_not_lost_silently(
    auditor: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(hooks, "_handlers", [])

    with caplog.at_level(logging.ERROR, logger="audit.hooks"):
        admin_alert_send(AdminAlert(recipient=auditor, text="审计日志锚定失败", key="k"))

    assert "审计日志锚定失败" in caplog.text
    assert not Notification.objects.exists()
