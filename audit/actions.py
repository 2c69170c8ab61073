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
}


def action_label_register(code: str, label: StrOrPromise) -> None:
    ACTION_LABELS[code] = label


def action_label(code: str) -> StrOrPromise:
    return ACTION_LABELS.get(code, code)
