"""What the audit log tells the audit administrators in the bell, registered with
``notifications.messages`` and rendered in the reader's language when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.messages import message_register

AUDIT_ANCHORED = message_register(
    "audit.anchored", _("Audit log anchored: %(count)s chains, %(when)s.")
)
AUDIT_ANCHORING_FAILED = message_register(
    "audit.anchoring_failed", _("The audit log could not be anchored in %(path)s: %(error)s")
)
AUDIT_ANCHORING_OVERDUE = message_register(
    "audit.anchoring_overdue",
    _(
        "Audit log anchoring is overdue: the last anchoring is more than %(hours)s hours "
        "old and rows were written since (chains affected: %(count)s)."
    ),
)
