"""How a job posting (招聘信息, standard art. 13–14, 20) moves, in one place: its review case
kind (``posting_review``), the posting's states and transitions, the checklist the single
notice draws from, the default time limits and the labels of its audit events.

A posting is taken in as a draft and submitted for review (a case of kind ``posting_review``);
the reviewer publishes it, returns it for correction (single notice) or rejects it; a published
posting is filled, withdrawn, or expires. At the counter a clean posting is published in the
same sitting (即时快招): hence the one-working-hour completion limit for the counter channel.
Services: ``services.py``; the rules a posting must meet: ``validation.py``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.flows import ChecklistEntry, Flow, Graph, Step, TimeLimit
from cases.kinds import CaseKind

# --- Kind -----------------------------------------------------------------------------------------

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

# --- States and transitions of the service's own record -------------------------------------------

GRAPH = Graph(
    model="postings.Posting",
    field="status",
    states=("draft", "in_review", "published", "filled", "expired", "withdrawn", "rejected"),
    steps=(
        Step("submit", ("draft",), "in_review"),
        Step("withdraw", ("draft", "in_review", "published"), "withdrawn"),
        Step("publish", ("in_review",), "published"),
        Step("reject", ("in_review",), "rejected"),
        Step("fill", ("published",), "filled"),
        Step("expire", ("published",), "expired"),
    ),
)

# --- Checklist of the single notice (seeded; administrators edit it) ------------------------------

CHECKLIST = (
    ChecklistEntry(
        name="工种（职业）名称",
        reason="按《职业分类大典》确定工种，标准第十四条要求写明",
        format="更正后的岗位信息",
        copies=1,
        issuing_body="用工主体",
    ),
    ChecklistEntry(
        name="技能要求",
        reason="标准第十四条要求写明岗位技能要求",
        format="更正后的岗位信息",
        copies=1,
        issuing_body="用工主体",
    ),
    ChecklistEntry(
        name="工作地点（区县及详细地址）",
        reason="标准第十四条要求写明工作地点",
        format="更正后的岗位信息",
        copies=1,
        issuing_body="用工主体",
    ),
    ChecklistEntry(
        name="工作时间（起止日期、每日工作时段）",
        reason="标准第十四条要求写明工作时间；非全日制用工每日平均不超过4小时、每周累计不超过24小时（劳动合同法第六十八条）",
        format="更正后的岗位信息",
        copies=1,
        issuing_body="用工主体",
    ),
    ChecklistEntry(
        name="薪酬标准及计酬方式",
        reason="标准第十四条要求写明薪酬和计酬方式，且不得低于当地最低工资标准",
        format="更正后的岗位信息",
        copies=1,
        issuing_body="用工主体",
    ),
    ChecklistEntry(
        name="结算周期",
        reason="非全日制用工劳动报酬结算支付周期最长不得超过十五日（劳动合同法第七十二条）",
        format="更正后的岗位信息",
        copies=1,
        issuing_body="用工主体",
    ),
    ChecklistEntry(
        name="删除或修改含歧视性内容的表述",
        reason="招聘信息不得含有性别、民族、宗教、年龄、户籍、婚育、健康状况等歧视性内容（标准第十四条，就业促进法第三条、第二十七条至第三十一条）",
        format="更正后的岗位信息",
        copies=1,
        issuing_body="用工主体",
    ),
    ChecklistEntry(
        name="联系人及联系电话",
        reason="便于求职者联系和市场回访核实",
        format="更正后的岗位信息",
        copies=1,
        issuing_body="用工主体",
    ),
    ChecklistEntry(
        name="营业执照或统一社会信用代码证明",
        reason="核实用工主体资格",
        format="复印件或电子证照",
        copies=1,
        issuing_body="市场监督管理部门",
    ),
    ChecklistEntry(
        name="公益性岗位开发认定文件",
        reason="公益性岗位须经人力资源社会保障部门认定（标准第二十条）",
        format="复印件",
        copies=1,
        issuing_body="人力资源社会保障部门",
    ),
)

# --- Default time limits (seeded; administrators change them) -------------------------------------

TIME_LIMITS = (
    TimeLimit("acceptance", 1, "same_day"),
    TimeLimit("completion", 1, "working_days"),
    TimeLimit("completion", 1, "working_hours", channel="counter"),
    # Submitted online (seeded by online/migrations): claimed within 4 working hours,
    # reviewed within one working day.
    TimeLimit("acceptance", 4, "working_hours", channel="online"),
    TimeLimit("completion", 1, "working_days", channel="online"),
)

# --- Audit labels ---------------------------------------------------------------------------------

AUDIT_LABELS = {
    "posting.taken_in": _("Job posting taken in"),
    "posting.published": _("Job posting published"),
    "posting.returned_for_correction": _("Job posting returned for correction"),
    "posting.resubmitted": _("Job posting corrected"),
    "posting.rejected": _("Job posting rejected"),
    "posting.withdrawn": _("Job posting withdrawn"),
    "posting.filled": _("Job posting filled"),
    "posting.extended": _("Job posting's last working day extended"),
    "posting.expired": _("Job posting expired"),
}

FLOW = Flow(
    service="postings",
    kind=POSTING_REVIEW,
    graph=GRAPH,
    checklist=CHECKLIST,
    time_limits=TIME_LIMITS,
    audit_labels=AUDIT_LABELS,
)
