"""How start-up help (创业服务, standard art. 23) moves, in one place: its case kind
(``startup_help``), the checklist the single notice draws from, the default time limits and
the labels of its audit events. The case itself carries the state (the engine's graph); each
service given (training, project, opening guidance, loan pre-check) is a record of it.
Services: ``services.py``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.flows import ChecklistEntry, Flow, TimeLimit
from cases.kinds import CaseKind

# --- Kind -----------------------------------------------------------------------------------------

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

# --- Checklist of the single notice (seeded; administrators edit it) ------------------------------

CHECKLIST = (
    ChecklistEntry(
        name="居民身份证",
        reason="核实申请人身份",
        format="原件（核验后退还）及复印件",
        copies=1,
        issuing_body="公安机关",
    ),
    ChecklistEntry(
        name="就业创业证",
        reason="核实就业失业登记状态及所属扶持群体（高校毕业生另附毕业证书，退役军人另附退役证件）",
        format="原件或电子证照",
        copies=1,
        issuing_body="人力资源社会保障部门",
    ),
    ChecklistEntry(
        name="新招用人员劳动合同及社会保险缴费凭证",
        reason="核实小微企业当年新招用符合条件人员达到规定比例",
        format="复印件，加盖企业公章",
        copies=1,
        issuing_body="用人单位、社会保险经办机构",
    ),
    ChecklistEntry(
        name="营业执照",
        reason="核实经营主体已登记及其登记日期",
        format="副本原件（核验后退还）及复印件",
        copies=1,
        issuing_body="市场监督管理部门",
    ),
    ChecklistEntry(
        name="创业计划书",
        reason="说明创业项目、资金用途和还款来源",
        format="原件，申请人签名",
        copies=1,
        issuing_body="申请人自备",
    ),
    ChecklistEntry(
        name="信用报告",
        reason="核实无不良信用记录、无其他未结清的创业担保贷款",
        format="原件（一个月内打印）",
        copies=1,
        issuing_body="中国人民银行征信中心",
    ),
    ChecklistEntry(
        name="担保或反担保材料",
        reason="落实贷款担保或反担保",
        format="担保人身份证明、收入证明或抵押物权属证明，原件及复印件",
        copies=1,
        issuing_body="担保人或相关登记机关",
    ),
)

# --- Default time limits (seeded; administrators change them) -------------------------------------

TIME_LIMITS = (
    TimeLimit("acceptance", 1, "same_day", escalate_after_days=2),
    TimeLimit("completion", 10, "working_days", escalate_after_days=2),
)

# --- Audit labels ---------------------------------------------------------------------------------

AUDIT_LABELS = {
    "startup.opened": _("Start-up help case opened"),
    "startup.item_recorded": _("Start-up service recorded"),
    "startup.loan_prechecked": _("Start-up loan pre-checked"),
    "startup.closed": _("Start-up help case completed"),
}

FLOW = Flow(
    service="startup",
    kind=STARTUP_HELP,
    checklist=CHECKLIST,
    time_limits=TIME_LIMITS,
    audit_labels=AUDIT_LABELS,
)
