"""What each action code means, in words, for the pages that show the log.

Apps above ``audit`` register the codes they write (``action_label_register``) from their
AppConfig.ready(); a code with no label is shown as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ACTION_LABELS: dict[str, StrOrPromise] = {
    "auth.signed_in": _("Signed in"),
    "auth.sign_in_failed": _("Sign-in failed"),
    "auth.locked_out": _("Account locked after failed sign-ins"),
    "auth.signed_out": _("Signed out"),
    "roles.granted": _("Role granted"),
    "roles.changed": _("Role changed"),
    "roles.revoked": _("Role revoked"),
    "audit.chain_broken": _("Audit log integrity check failed"),
    "audit.chains_anchored": _("Audit log anchored outside the database"),
    "audit.anchoring_failed": _("Audit log anchoring failed"),
    # The administration site.
    "admin.added": _("Record added in the administration site"),
    "admin.changed": _("Record changed in the administration site"),
    "admin.deleted": _("Record deleted in the administration site"),
    "accounts.disabled": _("Staff account disabled"),
    "accounts.second_factor_reset": _("Second factor reset"),
    "audit.anchoring_overdue": _("Audit log anchoring overdue"),
    # Absence cover (AB岗), written by markets.absences through markets.hooks.
    "absences.recorded": _("Absence recorded (AB岗)"),
    "absences.ended_early": _("Absence ended early"),
    "absences.cancelled": _("Absence cancelled"),
    # The case engine (cases) writes these; the ledger counts them.
    "case.opened": _("Case opened"),
    "case.claimed": _("Case claimed"),
    "case.transferred": _("Case transferred"),
    "case.transfer_accepted": _("Case transfer accepted"),
    "case.transfer_declined": _("Case transfer declined"),
    "case.materials_requested": _("Single notice issued (materials requested)"),
    "case.materials_received": _("Materials received"),
    "case.resolved": _("Case resolved"),
    "case.closed": _("Case closed"),
    "case.reopened": _("Case reopened"),
    "case.withdrawn": _("Case withdrawn"),
    "notice.breach_recorded": _("Single-notice breach recorded"),
    "personal_data.revealed": _("Personal data revealed"),
    # The work-log ledger (工作日志台账).
    "ledger.signed_off": _("Ledger signed off"),
    "ledger.exported": _("Ledger exported"),
}


def action_label_register(code: str, label: StrOrPromise) -> None:
    ACTION_LABELS[code] = label


def action_label(code: str) -> StrOrPromise:
    return ACTION_LABELS.get(code, code)
