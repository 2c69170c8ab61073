"""How the layers below the case engine reach staff: ``sla`` and ``audit`` may not import
``notifications`` (they are its siblings in ``.importlinter``), so they call hooks, and the case
engine, above all three, registers these handlers for them (``cases.apps``)."""

from __future__ import annotations

from audit.hooks import AdminAlert
from notifications.models import OutboxMessage
from notifications.services import notification_send, outbox_enqueue
from sla.hooks import StaffNotice


def audit_alert_deliver(alert: AdminAlert) -> None:
    """An audit alert: in the recipient's bell and, when it has a subject and the recipient an
    e-mail address, by mail through the outbox, both under the alert's key (sent once)."""
    notification_send(recipient=alert.recipient, text=alert.text, key=alert.key)
    if alert.subject and alert.recipient.email:
        outbox_enqueue(
            channel=OutboxMessage.Channel.EMAIL,
            to=alert.recipient.email,
            subject=alert.subject,
            body=alert.body,
            idempotency_key=alert.key,
        )


def sla_notice_deliver(notice: StaffNotice) -> None:
    """A notice of the SLA clocks (a year the calendar does not know): in the recipient's bell."""
    notification_send(recipient=notice.recipient, text=notice.text, link=notice.link)
