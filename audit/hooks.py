"""How ``audit`` reaches the audit administrators through the apps above it, without importing
them.

``audit`` sits beside ``notifications`` in the house (``.importlinter``) and may not import it.
An app above both (the case engine: ``cases.apps``) registers the handler that delivers an
``AdminAlert`` (``admin_alert_handler_register``): a line in the recipient's bell and, when the
alert has a subject and the recipient an address, a mail through the outbox. The integrity
alarms (a broken chain, a bad anchor file) do not wait for any queue: ``audit.services`` mails
them directly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AdminAlert:
    """One alert for one audit administrator. ``key`` makes sending it again (a retried task)
    send nothing more; with a ``subject``, it is mailed too (``body`` is the mail's text)."""

    recipient: User
    text: str
    key: str
    subject: str = ""
    body: str = ""


AdminAlertHandler = Callable[[AdminAlert], None]

_handlers: list[AdminAlertHandler] = []


def admin_alert_handler_register(handler: AdminAlertHandler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def admin_alert_handlers() -> tuple[AdminAlertHandler, ...]:
    return tuple(_handlers)


def admin_alert_send(alert: AdminAlert) -> None:
    """Hand ``alert`` to every registered handler, in the caller's transaction. With none
    registered (an app above ``audit`` is missing), the alert is logged as an error, not lost
    silently."""
    handlers = admin_alert_handlers()
    if not handlers:
        logger.error(
            "No handler delivers audit alerts (audit.hooks); not delivered to user %s: %s",
            alert.recipient.pk,
            alert.text,
        )
        return
    for handler in handlers:
        handler(alert)
