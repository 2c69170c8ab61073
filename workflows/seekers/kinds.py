"""The case kind of this workflow: job-seeker registration (求职登记, standard art. 16)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.kinds import CaseKind

SEEKER_REGISTRATION = CaseKind(
    code="seeker_registration",
    label=_("Job-seeker registration"),
    notice_legal_basis=_(
        "The regional gig-market standard, art. 16 (job-seeker registration: basic information, "
        "employment needs, training needs, employability) and art. 29 (first-contact "
        "responsibility, time-limited completion, single notice)."
    ),
)
