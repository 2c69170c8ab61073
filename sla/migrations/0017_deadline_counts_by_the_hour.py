"""The clocks' dashboard counters by the hour too (``DeadlineCount.hour``, ``warn_hour``), and
the rows of an installation's clocks counted again into them, as ``manage.py
sla_counters_rebuild`` does."""

from django.db import migrations, models


def rebuild(apps, schema_editor):  # type: ignore[no-untyped-def]
    from sla.counters import deadline_counts_rebuild

    deadline_counts_rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('markets', '0005_market_opened_on'),
        ('sla', '0016_reminder_lease_never_empty'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='deadlinecount',
            name='deadline_count_bucket',
        ),
        migrations.AddField(
            model_name='deadlinecount',
            name='hour',
            field=models.SmallIntegerField(default=-1),
        ),
        migrations.AddField(
            model_name='deadlinecount',
            name='warn_hour',
            field=models.SmallIntegerField(default=-1),
        ),
        migrations.AddConstraint(
            model_name='deadlinecount',
            constraint=models.UniqueConstraint(fields=('market', 'subject_type', 'status', 'day', 'hour', 'warn_day', 'warn_hour', 'officer', 'kind'), name='deadline_count_bucket'),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
