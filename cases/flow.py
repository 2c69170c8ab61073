"""How a case moves, for every kind, and the engine's own kind, policy consultation (政策咨询,
standard art. 19), in one place: the states and transitions of ``Case`` (claim, transfer and
its answer, the single notice and the materials, resolve, close, reopen, withdraw), the
checklist and default time limits of policy consultation, and the labels of the engine's
audit events registered here (those the ledger counts are in ``audit.actions``).

Each workflow declares its own flow beside it (``workflows/<service>/flow.py``); its case
moves through this graph.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .flows import ChecklistEntry, Flow, Graph, Step, TimeLimit
from .kinds import POLICY_CONSULTATION

# --- States and transitions of every case -----------------------------------------------------

GRAPH = Graph(
    model="cases.Case",
    field="state",
    states=(
        "new",
        "in_progress",
        "transfer_pending",
        "awaiting_materials",
        "resolved",
        "closed",
        "withdrawn",
    ),
    steps=(
        Step("claim", ("new",), "in_progress"),
        Step("withdraw", ("new", "in_progress", "awaiting_materials"), "withdrawn"),
        Step("transfer", ("in_progress",), "transfer_pending"),
        Step("request_materials", ("in_progress",), "awaiting_materials"),
        Step("resolve", ("in_progress",), "resolved"),
        Step("accept_transfer", ("transfer_pending",), "in_progress"),
        Step("decline_transfer", ("transfer_pending",), "in_progress"),
        Step("receive_materials", ("awaiting_materials",), "in_progress"),
        Step("reopen", ("resolved", "closed"), "in_progress"),
        Step("close", ("resolved",), "closed"),
    ),
)

# --- Checklist of policy consultation (seeded; administrators edit it) ------------------------

CHECKLIST = (
    ChecklistEntry(
        name="居民身份证",
        reason="核实申请人身份",
        format="原件（核验后退还）及复印件",
        copies=1,
        issuing_body="公安机关",
    ),
    ChecklistEntry(
        name="就业创业证（就业失业登记证）",
        reason="核实就业登记状态，确定可适用的政策",
        format="原件或电子证照",
        copies=1,
        issuing_body="人力资源社会保障部门",
    ),
    ChecklistEntry(
        name="户口簿或居住证",
        reason="核实户籍或常住地，确定政策适用地区",
        format="复印件",
        copies=1,
        issuing_body="公安机关",
    ),
    ChecklistEntry(
        name="相关政策文件或通知",
        reason="明确咨询所涉具体政策条款",
        format="复印件或截图",
        copies=1,
        issuing_body="政策发布机关",
    ),
    ChecklistEntry(
        name="劳动合同或用工证明",
        reason="核实用工关系，确定社保、补贴等政策适用",
        format="复印件",
        copies=1,
        issuing_body="用人单位",
    ),
)

# --- Default time limits of policy consultation (seeded; administrators change them) ----------

TIME_LIMITS = (
    TimeLimit("acceptance", 1, "same_day", escalate_after_days=2),
    TimeLimit("completion", 5, "working_days", escalate_after_days=2),
)

# --- Audit labels -----------------------------------------------------------------------------

AUDIT_LABELS = {
    "case.reassigned": _("Case reassigned"),
    "case.note_added": _("Note added"),
    "case.attachment_added": _("Attachment added"),
    "case.attachment_file_missing": _("Attachment file missing from the store"),
    # Inspectors' reading (read-only; the ledger counts none of it).
    "case.viewed": _("Case read by an inspector"),
    "case.attachment_viewed": _("Attachment opened by an inspector"),
    "applicant.viewed": _("Applicant's page read by an inspector"),
    "applicant.renamed": _("Applicant's name corrected"),
    "applicant.mobile_changed": _("Applicant's mobile changed"),
    "applicant.anonymised": _("Personal data anonymised (retention)"),
    "applicant.data_exported": _("Personal data exported (subject access)"),
}

FLOW = Flow(
    service="cases",
    kind=POLICY_CONSULTATION,
    graph=GRAPH,
    checklist=CHECKLIST,
    time_limits=TIME_LIMITS,
    audit_labels=AUDIT_LABELS,
)
