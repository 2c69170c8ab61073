"""Satisfaction ratings (政务服务好差评) in one place: the case kind of the rectification a low
rating opens (``rating_rectification``, 差评整改), its default time limits and the labels of
the ratings' audit events.

A rating has no states of its own: it is recorded once per case and never changes. A rating
of 不满意 or 非常不满意 opens a rectification case for the market's team lead, who records a
return visit (回访) to the applicant before closing it (``services.py``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.flows import Flow, TimeLimit
from cases.kinds import CaseKind

RECTIFICATION = CaseKind(
    code="rating_rectification",
    label=_("Rectification after a poor rating"),
    notice_legal_basis=_(
        "General Office of the State Council, Opinions on establishing the good/poor rating "
        "system of government services (国办发〔2019〕51号): every poor rating is verified, "
        "rectified and followed by a return visit to the applicant."
    ),
    # Closed on its own page after the return visit (services.rectification_close).
    resolved_by_service=True,
    rated=False,
)

# 15 working days to rectify and visit the applicant again: the time the national 好差评
# system gives for a poor rating with a clear cause (国办发〔2019〕51号, from memory: to be
# checked by the legal team). Taken in automatically, so there is no acceptance clock to meet.
TIME_LIMITS = (
    TimeLimit("acceptance", 1, "working_days"),
    TimeLimit("completion", 15, "working_days", escalate_after_days=2),
)

AUDIT_LABELS = {
    "rating.recorded": _("Service rated by the applicant"),
    "rating.link_refused": _("Rating link refused"),
    "rectification.opened": _("Rectification opened after a poor rating"),
    "rectification.visit_recorded": _("Return visit recorded"),
    "rectification.closed": _("Rectification closed"),
}

FLOW = Flow(
    service="ratings",
    kind=RECTIFICATION,
    time_limits=TIME_LIMITS,
    audit_labels=AUDIT_LABELS,
)
