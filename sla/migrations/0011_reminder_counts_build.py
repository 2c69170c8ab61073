"""Count the reminders an installation already sent once (the sweep keeps the counters up to
date from here on), as ``manage.py sla_counters_rebuild`` does."""

from django.db import migrations


def build(apps, schema_editor):  # type: ignore[no-untyped-def]
    from sla.counters import reminder_counts_rebuild

    reminder_counts_rebuild()


class Migration(migrations.Migration):
    dependencies = [("sla", "0010_reminder_counts")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop, elidable=True)]
