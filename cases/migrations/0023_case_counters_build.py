"""Count the cases an installation already has once (the case services keep the counters up to
date from here on), as ``manage.py sla_counters_rebuild`` does."""

from django.db import migrations


def build(apps, schema_editor):  # type: ignore[no-untyped-def]
    from cases.counters import case_counts_rebuild

    case_counts_rebuild()


class Migration(migrations.Migration):
    dependencies = [("cases", "0022_case_counters")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop, elidable=True)]
