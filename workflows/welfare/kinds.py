"""The case kind of this workflow: an application for a public-welfare job (公益性岗位申请,
standard art. 20); registered with the case engine in ``WelfareConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.kinds import CaseKind

WELFARE_APPLICATION = CaseKind(
    code="welfare_application",
    label=_("Public-welfare job application"),
    notice_legal_basis=_(
        "The regional gig-market standard, art. 20 (public-welfare jobs for eligible workers) "
        "and art. 29 (single notice); Employment Promotion Law of the PRC, art. 52–53 "
        "(employment assistance and public-welfare jobs for persons with employment "
        "difficulties)."
    ),
)
