"""How a complaint (投诉与维权, standard art. 24) moves, in one place: its case kind
(``complaint``), the complaint's states and transitions, the default time limits and the
labels of its audit events.

A complaint is filed, then accepted, declined (不予受理) or referred to labour inspection
(劳动保障监察); a referral comes back concluded (accepted again) and an accepted complaint is
resolved. The completion clock stands still while labour inspection has it
(``REFERRED_PAUSE_STATE``); why the limits are what they are: ``services.py``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.flows import Flow, Graph, Step, TimeLimit
from cases.kinds import CaseKind

# --- Kind -----------------------------------------------------------------------------------------

COMPLAINT = CaseKind(
    code="complaint",
    label=_("Complaints and rights protection"),
    notice_legal_basis=_(
        "The regional gig-market standard, art. 24 (complaint channels, guiding employers to "
        "lawful hiring) and art. 29 (single notice); Regulations on Labour Security "
        "Supervision (劳动保障监察条例), art. 9, 18–20 (complaints to labour inspection)."
    ),
    notice_time_limit_days=5,
)

# The state the case's completion clock is paused in while labour inspection (劳动保障监察)
# investigates a referred complaint (see services.complaint_refer_to_labour_inspection).
REFERRED_PAUSE_STATE = "complaint_referred"

# --- States and transitions of the service's own record -------------------------------------------

GRAPH = Graph(
    model="complaints.Complaint",
    field="status",
    states=("filed", "accepted", "referred", "declined", "resolved"),
    steps=(
        Step("accept", ("filed",), "accepted"),
        Step("refer", ("filed", "accepted"), "referred"),
        Step("decline", ("filed",), "declined"),
        Step("resolve", ("accepted",), "resolved"),
        Step("referral_concluded", ("referred",), "accepted"),
    ),
)

# --- Default time limits (seeded; administrators change them) -------------------------------------

TIME_LIMITS = (
    TimeLimit("acceptance", 5, "working_days", escalate_after_days=2),
    TimeLimit(
        "completion",
        20,
        "working_days",
        pause_states=("awaiting_materials", "complaint_referred"),
        escalate_after_days=2,
    ),
)

# --- Audit labels ---------------------------------------------------------------------------------

AUDIT_LABELS = {
    "complaint.filed": _("Complaint filed"),
    "complaint.accepted": _("Complaint accepted"),
    "complaint.declined": _("Complaint not accepted"),
    "complaint.referred": _("Complaint referred to labour inspection"),
    "complaint.referral_updated": _("Labour-inspection referral progress recorded"),
    "complaint.posting_suspended": _("Job posting suspended after a complaint"),
    "complaint.resolved": _("Complaint resolved"),
    "complaint.satisfaction_recorded": _("Complainant's satisfaction recorded"),
}

FLOW = Flow(
    service="complaints",
    kind=COMPLAINT,
    graph=GRAPH,
    time_limits=TIME_LIMITS,
    audit_labels=AUDIT_LABELS,
    extra_pause_states=(REFERRED_PAUSE_STATE,),
)
