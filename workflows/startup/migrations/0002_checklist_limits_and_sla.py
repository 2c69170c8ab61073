"""What start-up help ships with. Administrators change all of it afterwards; this only seeds.

1. The materials checklist (材料清单) of the single notice, one item per criterion of the loan
   pre-check (services.CRITERIA names them).

2. The loan limits (贷款额度). Source: Ministry of Finance, MOHRSS and PBOC, 《关于进一步加大
   创业担保贷款贴息力度全力支持重点群体创业就业的通知》, 财金〔2020〕21号 (April 2020): an individual
   up to 200 000 yuan (raised from 150 000), a small or micro business up to 3 000 000 yuan.
   The brief named a 人社部发〔2020〕 document; as far as we know the limits are set by the joint
   财金 notice, which MOHRSS co-signed. Guangxi applies the same limits through its own rules
   (the regional finance department, human-resources department and the PBOC Nanning centre
   branch); the number and date of Guangxi's document are NOT verified here. UNCERTAIN: the
   exact date in force (we use 2020-04-24, the notice's date as we recall it), and whether
   Guangxi has raised either limit since; check with the regional bureau and add a newer row.
   No "registered within N years" rule is shipped: we know of no national one, and a local one
   is an administrator's entry (``business_max_years``).

3. The time limits (限时办结): accepted the same working day, completed within 10 working days.
   Why ten: the four services rarely end in one sitting. Training has to be booked into a
   course, project recommendation and opening guidance usually need a second appointment, and
   the loan pre-check waits for a credit report. Two working weeks leave room for one follow-up
   visit during the market's opening days; the clock stands still while the applicant gathers
   the materials of the single notice, so their time is not counted against the market. The
   standard (art. 29) requires a limit but sets none for this service: this is our choice.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

KIND = "startup_help"

ITEMS = [
    ("居民身份证", "核实申请人身份", "原件（核验后退还）及复印件", 1, "公安机关"),
    (
        "就业创业证",
        "核实就业失业登记状态及所属扶持群体（高校毕业生另附毕业证书，退役军人另附退役证件）",
        "原件或电子证照",
        1,
        "人力资源社会保障部门",
    ),
    (
        "新招用人员劳动合同及社会保险缴费凭证",
        "核实小微企业当年新招用符合条件人员达到规定比例",
        "复印件，加盖企业公章",
        1,
        "用人单位、社会保险经办机构",
    ),
    ("营业执照", "核实经营主体已登记及其登记日期", "副本原件（核验后退还）及复印件", 1, "市场监督管理部门"),
    ("创业计划书", "说明创业项目、资金用途和还款来源", "原件，申请人签名", 1, "申请人自备"),
    (
        "信用报告",
        "核实无不良信用记录、无其他未结清的创业担保贷款",
        "原件（一个月内打印）",
        1,
        "中国人民银行征信中心",
    ),
    (
        "担保或反担保材料",
        "落实贷款担保或反担保",
        "担保人身份证明、收入证明或抵押物权属证明，原件及复印件",
        1,
        "担保人或相关登记机关",
    ),
]

SOURCE = (
    "财政部 人力资源社会保障部 中国人民银行《关于进一步加大创业担保贷款贴息力度全力支持重点群体"
    "创业就业的通知》（财金〔2020〕21号）；广西实施细则沿用（文号、施行日期未核实，请核对）。"
)
LIMITS = [
    ("individual", Decimal("200000"), date(2020, 4, 24), SOURCE + "合伙创业可适当提高额度。"),
    ("small_business", Decimal("3000000"), date(2020, 4, 24), SOURCE),
]

POLICIES = [("acceptance", 1, "same_day"), ("completion", 10, "working_days")]


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
    LoanLimits = apps.get_model("startup", "LoanLimits")
    for borrower_kind, amount, since, note in LIMITS:
        LoanLimits.objects.get_or_create(
            borrower_kind=borrower_kind,
            effective_from=since,
            defaults={"max_amount": amount, "note": note},
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
                "escalate_after_days": 2,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("startup", "0001_initial"), ("cases", "0001_initial"), ("sla", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
