"""The checklist of the engine's own kind, policy consultation (政策咨询). Administrators edit it
afterwards; this only seeds it."""

from django.db import migrations

ITEMS = [
    ("居民身份证", "核实申请人身份", "原件（核验后退还）及复印件", 1, "公安机关"),
    ("就业创业证（就业失业登记证）", "核实就业登记状态，确定可适用的政策", "原件或电子证照", 1, "人力资源社会保障部门"),
    ("户口簿或居住证", "核实户籍或常住地，确定政策适用地区", "复印件", 1, "公安机关"),
    ("相关政策文件或通知", "明确咨询所涉具体政策条款", "复印件或截图", 1, "政策发布机关"),
    ("劳动合同或用工证明", "核实用工关系，确定社保、补贴等政策适用", "复印件", 1, "用人单位"),
]


def seed(apps, schema_editor):
    ChecklistItem = apps.get_model("cases", "ChecklistItem")
    for position, (name, reason, fmt, copies, body) in enumerate(ITEMS, start=1):
        ChecklistItem.objects.get_or_create(
            kind="policy_consultation",
            name=name,
            defaults={
                "reason": reason,
                "format": fmt,
                "copies": copies,
                "issuing_body": body,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
