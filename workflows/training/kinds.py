"""The case kind of this workflow: training referral (培训推荐, standard art. 21)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.kinds import CaseKind

TRAINING_REFERRAL = CaseKind(
    code="training_referral",
    label=_("Training referral"),
    notice_legal_basis=_(
        "The regional gig-market standard, art. 21 (training programmes, providers and training "
        "wishes) and art. 29 (first-contact responsibility, time-limited completion, single "
        "notice); Employment Promotion Law of the PRC, art. 44–49 (vocational training)."
    ),
)
