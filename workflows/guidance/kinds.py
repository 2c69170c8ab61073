"""The case kind of this workflow: one-to-one career guidance (职业指导, standard art. 17)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.kinds import CaseKind

CAREER_GUIDANCE = CaseKind(
    code="career_guidance",
    label=_("Career guidance"),
    notice_legal_basis=_(
        "The regional gig-market standard, art. 17 (one-to-one career guidance, advice and "
        "precise matching to gig jobs) and art. 29 (first-contact responsibility, time-limited "
        "completion, single notice)."
    ),
)
