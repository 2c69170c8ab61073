"""What public employment campaigns and job fairs (公共就业服务专项活动, standard art. 11)
declare: no case kind and no state graph of their own (a campaign is created, employers join,
postings are offered, attendance and outcomes are recorded), only the labels of their audit
events.
Services: ``services.py``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.flows import Flow

# --- Audit labels ---------------------------------------------------------------------------------

AUDIT_LABELS = {
    "campaign.created": _("Campaign or job fair created"),
    "campaign.employer_added": _("Employer joined a campaign"),
    "campaign.posting_linked": _("Posting offered at a campaign"),
    "campaign.attendance_recorded": _("Campaign attendance recorded"),
    "campaign.outcome_recorded": _("Campaign outcome recorded"),
}

FLOW = Flow(
    service="campaigns",
    kind=None,
    audit_labels=AUDIT_LABELS,
)
