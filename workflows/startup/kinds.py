"""The case kind of this workflow: start-up help (创业服务, standard art. 23)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.kinds import CaseKind

STARTUP_HELP = CaseKind(
    code="startup_help",
    label=_("Start-up help"),
    notice_legal_basis=_(
        "The regional gig-market standard, art. 23 (start-up training, project recommendation, "
        "opening guidance, guaranteed-loan consultation) and art. 29 (first-contact "
        "responsibility, time-limited completion, single notice); Ministry of Finance, Ministry "
        "of Human Resources and Social Security and People's Bank of China, Cai Jin [2020] "
        "No. 21 (start-up guaranteed loans)."
    ),
    # A credit report and a guarantor's papers take longer to gather than an ID card.
    notice_time_limit_days=10,
)
