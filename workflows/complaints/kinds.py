"""Complaints and rights protection (投诉与维权, standard art. 24) as a kind of case; registered
with the case engine in ``ComplaintsConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.kinds import CaseKind

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
