"""How a job-seeker registration (求职登记, standard art. 16) moves, in one place: its case kind
(``seeker_registration``), the default time limits and the labels of its audit events.

The seeker profile has no state graph of its own: registering (or updating) it opens a case of
kind ``seeker_registration`` that the engine carries (claim, single notice, resolve).
Services: ``services.py``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.flows import Flow, TimeLimit
from cases.kinds import CaseKind

# --- Kind -----------------------------------------------------------------------------------------

SEEKER_REGISTRATION = CaseKind(
    code="seeker_registration",
    label=_("Job-seeker registration"),
    notice_legal_basis=_(
        "The regional gig-market standard, art. 16 (job-seeker registration: basic information, "
        "employment needs, training needs, employability) and art. 29 (first-contact "
        "responsibility, time-limited completion, single notice)."
    ),
)

# --- Default time limits (seeded; administrators change them) -------------------------------------

TIME_LIMITS = (
    TimeLimit("acceptance", 1, "same_day"),
    TimeLimit("completion", 1, "same_day"),
)

# --- Audit labels ---------------------------------------------------------------------------------

AUDIT_LABELS = {
    "seeker.registered": _("Job seeker registered"),
    "seeker.updated": _("Job-seeker registration updated"),
    "seeker.guidance_recorded": _("Guidance recorded for a job seeker"),
}

FLOW = Flow(
    service="seekers",
    kind=SEEKER_REGISTRATION,
    time_limits=TIME_LIMITS,
    audit_labels=AUDIT_LABELS,
)
