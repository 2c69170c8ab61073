"""The industry classification GB/T 4754-2017 (门类 and 大类), from the data file shipped with the
app (``cases/data/gb_t_4754_2017.csv``; source and version in its header)."""

from django.db import migrations

from cases.industries import DIVISION, SECTION, industry_rows


def seed(apps, schema_editor):
    # Named ``seed``: tests/db_support.migration_seeds_run runs it again after a flush.
    Industry = apps.get_model("cases", "Industry")
    rows = industry_rows()
    sections = {}
    for row in rows:
        if row.level == SECTION:
            sections[row.code], _created = Industry.objects.update_or_create(
                code=row.code, defaults={"name": row.name, "level": SECTION, "section": None}
            )
    for row in rows:
        if row.level == DIVISION:
            Industry.objects.update_or_create(
                code=row.code,
                defaults={"name": row.name, "level": DIVISION, "section": sections[row.section]},
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_industry")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
