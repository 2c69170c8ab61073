"""How career guidance and referrals (职业指导, standard art. 17) move, in one place: the case
kind (``career_guidance``), the states and transitions of a referral (a posting recommended to
a seeker: recommended → referred → interviewed → hired or declined), the default time limits
and the labels of its audit events. Services: ``services.py``; matching: ``matching.py``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.flows import Flow, Graph, Step, TimeLimit
from cases.kinds import CaseKind

# --- Kind -----------------------------------------------------------------------------------------

CAREER_GUIDANCE = CaseKind(
    code="career_guidance",
    label=_("Career guidance"),
    notice_legal_basis=_(
        "The regional gig-market standard, art. 17 (one-to-one career guidance, advice and "
        "precise matching to gig jobs) and art. 29 (first-contact responsibility, time-limited "
        "completion, single notice)."
    ),
)

# --- States and transitions of the service's own record -------------------------------------------

GRAPH = Graph(
    model="guidance.Referral",
    field="outcome",
    states=("recommended", "referred", "interviewed", "hired", "declined"),
    steps=(
        Step("refer", ("recommended",), "referred"),
        Step("decline", ("recommended", "referred", "interviewed"), "declined"),
        Step("interview", ("referred",), "interviewed"),
        Step("hire", ("referred", "interviewed"), "hired"),
    ),
)

# --- Default time limits (seeded; administrators change them) -------------------------------------

TIME_LIMITS = (
    TimeLimit("acceptance", 1, "same_day"),
    TimeLimit("completion", 10, "working_days"),
)

# --- Audit labels ---------------------------------------------------------------------------------

AUDIT_LABELS = {
    "guidance.referred": _("Posting recommended to a job seeker"),
    "guidance.referral_outcome": _("Outcome of a referral recorded"),
    "guidance.opened": _("Career guidance opened"),
    "guidance.session_recorded": _("Career-guidance session recorded"),
    "guidance.case_referral": _("Posting recommended in career guidance"),
    "guidance.closed": _("Career guidance closed"),
    "guidance.room_booked": _("Room booked"),
    "guidance.room_booking_cancelled": _("Room booking cancelled"),
    "guidance.room_created": _("Room created"),
    "guidance.room_updated": _("Room changed"),
}

FLOW = Flow(
    service="guidance",
    kind=CAREER_GUIDANCE,
    graph=GRAPH,
    time_limits=TIME_LIMITS,
    audit_labels=AUDIT_LABELS,
)
