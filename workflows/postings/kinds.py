"""The review of a job posting (招聘信息审核) as a kind of case; registered with the case
engine in ``PostingsConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.kinds import CaseKind

POSTING_REVIEW = CaseKind(
    code="posting_review",
    label=_("Job posting review"),
    notice_legal_basis=_(
        "The regional gig-market standard, art. 13–14 (a posting states the occupation, skill "
        "requirements, work location, working hours, pay and pay method, and nothing "
        "discriminatory) and art. 29 (single notice); Employment Promotion Law of the PRC, "
        "art. 3, 26–31; Labour Contract Law of the PRC, art. 68–72 (part-time work)."
    ),
    notice_time_limit_days=3,
)
