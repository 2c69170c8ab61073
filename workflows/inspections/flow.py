"""Facility inspections (场所设施督查, standard art. 5–10) in one place: the case kind of the
rectification a failed item opens (``facility_rectification``, 设施整改), its default time
limits and the labels of the audit events.

An inspection has no states of its own: it is recorded once, on the visit. Each failed item
opens a rectification case for the market, with the market's team lead, against a completion
deadline on the working-day calendar. The team lead reports what was put right (the case is
resolved, its clock stops); an inspector over the market checks and closes it
(``services.py``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.flows import Flow, TimeLimit
from cases.kinds import CaseKind

RECTIFICATION = CaseKind(
    code="facility_rectification",
    label=_("Rectification after a facility inspection"),
    notice_legal_basis=_(
        "Regional gig-market standard, art. 5–10 (premises, zones, fire safety and "
        "accessibility, equipment): a failed item found on an inspection is put right within "
        "the time limit and checked by the inspector."
    ),
    # Reported on its own page and closed by an inspector (services.py).
    resolved_by_service=True,
    rated=False,
    # Only an inspector over the market closes it, after checking (never the case page).
    closed_by_service=True,
)

# 20 working days (about a calendar month) to put a facility right: a local choice, long
# enough to buy or repair equipment, short enough to be checked on the next monthly
# scorecard. Taken in automatically, so the acceptance clock is a formality.
TIME_LIMITS = (
    TimeLimit("acceptance", 1, "working_days"),
    TimeLimit("completion", 20, "working_days", escalate_after_days=3),
)

AUDIT_LABELS = {
    "facility.profile_changed": _("Facility profile changed"),
    "inspection.recorded": _("Inspection recorded"),
    "facility_rectification.opened": _("Facility rectification opened"),
    "facility_rectification.reported": _("Facility rectification reported done"),
    "facility_rectification.closed": _("Facility rectification checked and closed"),
}

FLOW = Flow(
    service="inspections",
    kind=RECTIFICATION,
    time_limits=TIME_LIMITS,
    audit_labels=AUDIT_LABELS,
)
