"""How an application for a public-welfare job (公益性岗位申请, standard art. 20) moves, in
one place: its case kind (``welfare_application``), the application's states and transitions
(applied → approved → placed, or declined), the checklist the single notice draws from, the
default time limits and the labels of its audit events. Why ten working days: the data
migration ``0002_checklist_and_sla``. Services: ``services.py``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.flows import ChecklistEntry, Flow, Graph, Step, TimeLimit
from cases.kinds import CaseKind

# --- Kind -----------------------------------------------------------------------------------------

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

# --- States and transitions of the service's own record -------------------------------------------

GRAPH = Graph(
    model="welfare.Application",
    field="status",
    states=("applied", "approved", "placed", "declined"),
    steps=(
        Step("approve", ("applied",), "approved"),
        Step("decline", ("applied", "approved"), "declined"),
        Step("place", ("approved",), "placed"),
    ),
)

# --- Checklist of the single notice (seeded; administrators edit it) ------------------------------

CHECKLIST = (
    ChecklistEntry(
        name="居民身份证",
        reason="核实申请人身份",
        format="原件及复印件",
        copies=1,
        issuing_body="公安机关",
    ),
    ChecklistEntry(
        name="就业创业证（就业失业登记证）",
        reason="核实就业困难人员认定及失业登记情况（标准第二十条）",
        format="原件及复印件",
        copies=1,
        issuing_body="人力资源社会保障部门",
    ),
    ChecklistEntry(
        name="就业困难人员类别证明",
        reason="如残疾人证、低保证、脱贫户证明、征地证明等，核实所属类别",
        format="原件及复印件",
        copies=1,
        issuing_body="相关主管部门",
    ),
    ChecklistEntry(
        name="户口簿",
        reason="核实户籍及家庭就业情况（零就业家庭等）",
        format="原件及复印件",
        copies=1,
        issuing_body="公安机关",
    ),
)

# --- Default time limits (seeded; administrators change them) -------------------------------------

TIME_LIMITS = (
    TimeLimit("acceptance", 1, "same_day"),
    TimeLimit("completion", 10, "working_days"),
)

# --- Audit labels ---------------------------------------------------------------------------------

AUDIT_LABELS = {
    "welfare.applied": _("Public-welfare job application taken in"),
    "welfare.approved": _("Public-welfare job application approved"),
    "welfare.declined": _("Public-welfare job application declined"),
    "welfare.placed": _("Placed in a public-welfare job"),
    "welfare.placement_ended": _("Public-welfare placement ended"),
}

FLOW = Flow(
    service="welfare",
    kind=WELFARE_APPLICATION,
    graph=GRAPH,
    checklist=CHECKLIST,
    time_limits=TIME_LIMITS,
    audit_labels=AUDIT_LABELS,
)
