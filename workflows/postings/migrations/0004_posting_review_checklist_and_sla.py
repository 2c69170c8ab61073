"""The review of a job posting (posting_review, 招聘信息审核) as a kind of case: the checklist
its single notice (一次性告知书) draws corrections from, and its default time limits (限时办结).
Administrators change both afterwards; a changed policy applies to cases opened afterwards.

Time limit: completed within 1 working day, the clock standing still while the employer
corrects the posting. The standard's "instant quick hiring" (即时快招) at the counter is met
by ``posting_intake_and_publish`` (taken in and published in one sitting), and a posting
taken in at the counter gets "the same working hour" from its own channel policy (0006).
"""

from django.db import migrations

KIND = "posting_review"

ITEMS = [
    # name, why it is needed, form, copies, issued by
    ("工种（职业）名称", "按《职业分类大典》确定工种，标准第十四条要求写明", "更正后的岗位信息", 1, "用工主体"),
    ("技能要求", "标准第十四条要求写明岗位技能要求", "更正后的岗位信息", 1, "用工主体"),
    ("工作地点（区县及详细地址）", "标准第十四条要求写明工作地点", "更正后的岗位信息", 1, "用工主体"),
    ("工作时间（起止日期、每日工作时段）", "标准第十四条要求写明工作时间；非全日制用工每日平均不超过4小时、每周累计不超过24小时（劳动合同法第六十八条）", "更正后的岗位信息", 1, "用工主体"),
    ("薪酬标准及计酬方式", "标准第十四条要求写明薪酬和计酬方式，且不得低于当地最低工资标准", "更正后的岗位信息", 1, "用工主体"),
    ("结算周期", "非全日制用工劳动报酬结算支付周期最长不得超过十五日（劳动合同法第七十二条）", "更正后的岗位信息", 1, "用工主体"),
    ("删除或修改含歧视性内容的表述", "招聘信息不得含有性别、民族、宗教、年龄、户籍、婚育、健康状况等歧视性内容（标准第十四条，就业促进法第三条、第二十七条至第三十一条）", "更正后的岗位信息", 1, "用工主体"),
    ("联系人及联系电话", "便于求职者联系和市场回访核实", "更正后的岗位信息", 1, "用工主体"),
    ("营业执照或统一社会信用代码证明", "核实用工主体资格", "复印件或电子证照", 1, "市场监督管理部门"),
    ("公益性岗位开发认定文件", "公益性岗位须经人力资源社会保障部门认定（标准第二十条）", "复印件", 1, "人力资源社会保障部门"),
]

POLICIES = [
    # target, amount, unit
    ("acceptance", 1, "same_day"),
    ("completion", 1, "working_days"),
]


def seed(apps, schema_editor):
    ChecklistItem = apps.get_model("cases", "ChecklistItem")
    for position, (name, reason, fmt, copies, body) in enumerate(ITEMS, start=1):
        ChecklistItem.objects.get_or_create(
            kind=KIND,
            name=name,
            defaults={
                "reason": reason,
                "format": fmt,
                "copies": copies,
                "issuing_body": body,
                "position": position,
            },
        )
    Policy = apps.get_model("sla", "Policy")
    # The default for every channel (re-run by tests against today's models, where policies
    # also have a channel: 0006 adds the counter's own).
    channel = {"channel": ""} if any(f.name == "channel" for f in Policy._meta.fields) else {}
    for target, amount, unit in POLICIES:
        Policy.objects.get_or_create(
            kind=KIND,
            market=None,
            target=target,
            is_active=True,
            **channel,
            defaults={
                "amount": amount,
                "unit": unit,
                "pause_states": ["awaiting_materials"],
                "warn_percent": 75,
                "escalate_after_days": 1,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0003_minimum_wages"),
        ("cases", "0003_sla_policies"),
        ("sla", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
