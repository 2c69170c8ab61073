"""The public-welfare job application (welfare_application, 公益性岗位申请) as a kind of case:
the checklist its single notice (一次性告知书) draws from, and its default time limits.
Administrators change both afterwards; a changed policy applies to cases opened afterwards.

Time limit: accepted the same day; completed within 10 working days, the clock standing still
while the applicant gathers materials. Ten working days hold the two steps local rules on
public-welfare jobs require before a person starts: checking the recorded difficulty category
against the bureau's recognition (认定) with the team lead's decision (about five working
days), and the public announcement of the persons to be placed (拟安置人员公示), which lasts
no fewer than five working days in Guangxi's practice.
"""

from django.db import migrations

KIND = "welfare_application"

ITEMS = [
    # name, why it is needed, form, copies, issued by
    ("居民身份证", "核实申请人身份", "原件及复印件", 1, "公安机关"),
    ("就业创业证（就业失业登记证）", "核实就业困难人员认定及失业登记情况（标准第二十条）", "原件及复印件", 1, "人力资源社会保障部门"),
    ("就业困难人员类别证明", "如残疾人证、低保证、脱贫户证明、征地证明等，核实所属类别", "原件及复印件", 1, "相关主管部门"),
    ("户口簿", "核实户籍及家庭就业情况（零就业家庭等）", "原件及复印件", 1, "公安机关"),
]

POLICIES = [
    # target, amount, unit
    ("acceptance", 1, "same_day"),
    ("completion", 10, "working_days"),
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
    for target, amount, unit in POLICIES:
        Policy.objects.get_or_create(
            kind=KIND,
            market=None,
            target=target,
            is_active=True,
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
        ("welfare", "0001_initial"),
        ("cases", "0003_sla_policies"),
        ("sla", "0002_policy_channel"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
