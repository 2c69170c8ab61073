"""The occupations the markets post most (零工常见工种), under the 8 major groups of the national
classification, 2022 edition (《中华人民共和国职业分类大典（2022年版）》). Administrators keep the
list afterwards (add, rename, retire); this only seeds it.

Codes are 大类-中类-小类-细类. The 2022 edition kept most 2015 codes of these occupations; every
code below was written from memory of the 2015/2022 editions and the national occupational
skill standards (国家职业技能标准) that cite them, not copied from the book. Codes marked
``UNSURE`` must be checked against the printed 2022 edition before production use; the
others are cited by their skill standards and are believed right.

A posting names a 细类 (4 segments); its parent here is the major group (the 中类 and 小类
are not seeded; ``Occupation.clean`` links an added category's children by code prefix).
"""

from django.db import migrations

MAJOR_GROUPS = [
    ("1", "党的机关、国家机关、群众团体和社会组织、企事业单位负责人"),
    ("2", "专业技术人员"),
    ("3", "办事人员和有关人员"),
    ("4", "社会生产服务和生活服务人员"),
    ("5", "农、林、牧、渔业生产及辅助人员"),
    ("6", "生产制造及有关人员"),
    ("7", "军队人员"),
    ("8", "不便分类的其他从业人员"),
]

# code, name, other names used at the counter (、-separated)
OCCUPATIONS = [
    # 4-01 批发与零售服务人员
    ("4-01-02-01", "营销员", "促销员、推销员"),  # UNSURE
    ("4-01-02-03", "商品营业员", "营业员、导购员"),  # UNSURE
    ("4-01-02-04", "收银员", ""),  # UNSURE
    # 4-02 交通运输、仓储物流和邮政业服务人员
    ("4-02-02-01", "道路客运汽车驾驶员", "客车司机"),  # UNSURE
    ("4-02-02-02", "道路货运汽车驾驶员", "驾驶员、货车司机"),  # UNSURE
    ("4-02-05-01", "装卸搬运工", "搬运工、装卸工"),  # UNSURE
    ("4-02-06-01", "仓储管理员", "仓库管理员、库管员"),  # UNSURE (4-02-06-01 believed)
    ("4-02-06-02", "理货员", ""),  # UNSURE
    ("4-02-07-08", "快递员", "快递小哥"),  # UNSURE (快递员 standard cites 4-02-07-08)
    ("4-02-07-09", "快件处理员", "分拣员、快件分拣员"),  # UNSURE
    ("4-02-07-10", "网约配送员", "外卖配送员、外卖骑手"),  # new occupation of 2020
    # 4-03 住宿和餐饮服务人员
    ("4-03-01-01", "前厅服务员", "酒店前台"),  # UNSURE
    ("4-03-01-02", "客房服务员", ""),  # UNSURE
    ("4-03-02-01", "中式烹调师", "厨师"),
    ("4-03-02-02", "中式面点师", "面点师"),
    ("4-03-02-05", "餐厅服务员", "服务员"),
    # 4-07 租赁和商务服务人员
    ("4-07-05-01", "保安员", "保安"),
    ("4-07-08-02", "会展服务员", "展会服务员"),  # UNSURE
    # 4-09 水利、环境和公共设施管理服务人员
    ("4-09-05-02", "园林绿化工", "绿化工"),  # UNSURE
    ("4-09-08-01", "保洁员", "清洁工"),  # UNSURE
    # 4-10 居民服务人员
    ("4-10-01-02", "育婴员", "育儿嫂"),  # UNSURE (育婴员 standard: 4-10-01-02 believed)
    ("4-10-01-03", "保育师", "保育员"),  # UNSURE
    ("4-10-01-05", "养老护理员", "护工"),
    ("4-10-01-06", "家政服务员", "保姆、钟点工"),
    ("4-10-03-01", "美发师", "美发、理发师"),
    ("4-10-03-02", "美容师", "美容"),
    ("4-10-06-03", "礼仪主持人", "礼仪主持、婚礼主持"),  # UNSURE
    # 4-12 修理及制作服务人员
    ("4-12-01-03", "汽车美容装潢工", "洗车工"),  # UNSURE
    ("4-12-02-01", "家用电器产品维修工", "家电维修工"),  # UNSURE
    # 5-01 农业生产人员
    ("5-01-02-01", "农作物种植工", "采摘工、农工"),  # UNSURE
    # 6 生产制造及有关人员
    ("6-05-01-03", "缝纫工", "车位工"),  # UNSURE
    ("6-18-02-04", "焊工", "电焊工"),
    ("6-29-01-01", "砌筑工", "泥瓦工、瓦工"),  # UNSURE (6-29-01-01 believed)
    ("6-29-01-03", "混凝土工", ""),  # UNSURE
    ("6-29-01-04", "钢筋工", ""),  # UNSURE
    ("6-29-01-05", "架子工", ""),  # UNSURE
    ("6-29-01-06", "木工", "建筑木工"),  # UNSURE
    ("6-29-03-03", "管工", "水暖工、水电工"),  # UNSURE
    ("6-29-04-01", "装饰装修工", "装修工"),  # UNSURE
    ("6-29-04-03", "油漆工", "涂裱工、涂装工"),  # UNSURE
    ("6-30-05-02", "起重装卸机械操作工", "叉车司机、叉车工"),  # UNSURE
    ("6-31-01-03", "电工", "维修电工"),
]


def seed(apps, schema_editor):
    Occupation = apps.get_model("postings", "Occupation")
    majors = {}
    for code, name in MAJOR_GROUPS:
        majors[code], _created = Occupation.objects.get_or_create(
            code=code, defaults={"name": name, "level": 1}
        )
    for code, name, aliases in OCCUPATIONS:
        Occupation.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "aliases": aliases,
                "level": 4,
                "parent": majors[code.split("-")[0]],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("postings", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
