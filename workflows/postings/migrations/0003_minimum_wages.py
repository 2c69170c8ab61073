"""Guangxi's minimum wages (最低工资标准) as demo data, so a posting's pay can be checked on a
fresh install. Administrators enter every later standard as new rows with its own date.

Source: 广西壮族自治区人民政府《关于调整全区最低工资标准的通知》(2022), in force from
2022-04-01: 一类 1990 元/月, 20.1 元/小时; 二类 1840 元/月, 18.6 元/小时; 三类 1690 元/月,
17.0 元/小时 (the hourly figures are the part-time minimum, 非全日制用工小时最低工资标准).
CHECK before production: whether a later Guangxi standard is in force, and the notice's
number, were not verified when this was written.

Which area is in which class was written from memory and is UNCERTAIN; check it against the
notice's annex. As seeded here:
- the whole region (450000) is 三类: every county not listed below falls back to it;
- the county-level cities (县级市) are 二类;
- the urban districts (市辖区) of the 14 prefecture cities are 一类.
The tier applies to every county under its area by code prefix; the most specific area wins.
Areas are kept by division code, so this runs before the region tree is loaded.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

SOURCE = "广西壮族自治区人民政府关于调整全区最低工资标准的通知（2022年4月1日起执行）"
EFFECTIVE_FROM = date(2022, 4, 1)
TIERS = {
    "一类": (Decimal("1990.00"), Decimal("20.10")),
    "二类": (Decimal("1840.00"), Decimal("18.60")),
    "三类": (Decimal("1690.00"), Decimal("17.00")),
}

REGION_WIDE = [("450000", "三类")]  # 广西壮族自治区: the fall-back for every county

COUNTY_LEVEL_CITIES = [  # 二类 (UNCERTAIN)
    "450181",  # 横州市
    "450381",  # 荔浦市
    "450481",  # 岑溪市
    "450681",  # 东兴市
    "450881",  # 桂平市
    "450981",  # 北流市
    "451081",  # 靖西市
    "451082",  # 平果市
    "451381",  # 合山市
    "451481",  # 凭祥市
]

URBAN_DISTRICTS = [  # 一类 (UNCERTAIN)
    "450102", "450103", "450105", "450107", "450108", "450109", "450110",  # 南宁市
    "450202", "450203", "450204", "450205", "450206",  # 柳州市
    "450302", "450303", "450304", "450305", "450311", "450312",  # 桂林市
    "450403", "450405", "450406",  # 梧州市
    "450502", "450503", "450512",  # 北海市
    "450602", "450603",  # 防城港市
    "450702", "450703",  # 钦州市
    "450802", "450803", "450804",  # 贵港市
    "450902", "450903",  # 玉林市
    "451002", "451003",  # 百色市
    "451102", "451103",  # 贺州市
    "451202", "451203",  # 河池市
    "451302",  # 来宾市
    "451402",  # 崇左市
]


def rows():
    yield from REGION_WIDE
    yield from ((code, "二类") for code in COUNTY_LEVEL_CITIES)
    yield from ((code, "一类") for code in URBAN_DISTRICTS)


def seed(apps, schema_editor):
    MinimumWage = apps.get_model("postings", "MinimumWage")
    for code, tier in rows():
        monthly, hourly = TIERS[tier]
        MinimumWage.objects.get_or_create(
            area_id=code,
            effective_from=EFFECTIVE_FROM,
            defaults={"tier": tier, "monthly": monthly, "hourly": hourly, "source": SOURCE},
        )


class Migration(migrations.Migration):
    dependencies = [("postings", "0002_occupations")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
