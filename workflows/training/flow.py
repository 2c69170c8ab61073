"""How a training referral (培训推荐, standard art. 21) moves, in one place: its case kind
(``training_referral``), the referral's states and transitions (referred → enrolled →
completed, or dropped), the default time limits and the labels of its audit events.
Completing or dropping resolves the case. Services: ``services.py``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.flows import Flow, Graph, Step, TimeLimit
from cases.kinds import CaseKind

# --- Kind -----------------------------------------------------------------------------------------

TRAINING_REFERRAL = CaseKind(
    code="training_referral",
    label=_("Training referral"),
    notice_legal_basis=_(
        "The regional gig-market standard, art. 21 (training programmes, providers and training "
        "wishes) and art. 29 (first-contact responsibility, time-limited completion, single "
        "notice); Employment Promotion Law of the PRC, art. 44–49 (vocational training)."
    ),
)

# --- States and transitions of the service's own record -------------------------------------------

GRAPH = Graph(
    model="training.TrainingReferral",
    field="state",
    states=("referred", "enrolled", "completed", "dropped"),
    steps=(
        Step("enrol", ("referred",), "enrolled"),
        Step("drop", ("referred", "enrolled"), "dropped"),
        Step("complete", ("enrolled",), "completed"),
    ),
)

# --- Default time limits (seeded; administrators change them) -------------------------------------

TIME_LIMITS = (
    TimeLimit("acceptance", 1, "same_day"),
    TimeLimit("completion", 20, "working_days"),
)

# --- Audit labels ---------------------------------------------------------------------------------

AUDIT_LABELS = {
    "training.provider_saved": _("Training provider saved"),
    "training.programme_saved": _("Training programme saved"),
    "training.referred": _("Seeker referred to training"),
    "training.enrolled": _("Training enrolment recorded"),
    "training.completed": _("Training completed"),
    "training.dropped": _("Training dropped"),
    "training.wish_recorded": _("Training wish recorded"),
    "training.report_exported": _("Training report exported"),
}

FLOW = Flow(
    service="training",
    kind=TRAINING_REFERRAL,
    graph=GRAPH,
    time_limits=TIME_LIMITS,
    audit_labels=AUDIT_LABELS,
)
