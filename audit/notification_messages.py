"""What the audit log tells the audit administrators in the bell: keys and their texts,
rendered in the reader's language when shown. ``audit`` may not import ``notifications`` (its
sibling in ``.importlinter``): the case engine registers these (``cases.notification_messages``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

AUDIT_ANCHORED = "audit.anchored"
AUDIT_ANCHORING_FAILED = "audit.anchoring_failed"
AUDIT_ANCHORING_OVERDUE = "audit.anchoring_overdue"

MESSAGES: dict[str, _StrPromise] = {
    AUDIT_ANCHORED: _("Audit log anchored: %(count)s chains, %(when)s."),
    AUDIT_ANCHORING_FAILED: _("The audit log could not be anchored in %(path)s: %(error)s"),
    AUDIT_ANCHORING_OVERDUE: _(
        "Audit log anchoring is overdue: the last anchoring is more than %(hours)s hours "
        "old and rows were written since (chains affected: %(count)s)."
    ),
}
