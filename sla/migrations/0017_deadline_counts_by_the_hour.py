"""The clocks' dashboard counters by the hour too (``DeadlineCount.hour``, ``warn_hour``), and
the rows of an installation's clocks counted again into them, as ``manage.py
sla_counters_rebuild`` does."""

from django.db import migrations, models


def rebuild(apps, schema_editor):  # type: ignore[no-untyped-def]
    from sla.counters import deadline_counts_rebuild

    deadline_counts_rebuild()


def hours_merged(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Going back: the rows of one day's hours merged into one, as the key before had it."""
    from django.db.models import Sum

    if schema_editor.connection.vendor == "postgresql":
        # The rows' foreign keys checked now: the columns are altered next in this transaction,
        # which PostgreSQL refuses while checks of rows written in it are pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    DeadlineCount = apps.get_model("sla", "DeadlineCount")
    key = ("market_id", "subject_type", "status", "day", "warn_day", "officer", "kind")
    merged = list(DeadlineCount.objects.values(*key).annotate(total=Sum("n")).order_by())
    DeadlineCount.objects.all().delete()
    DeadlineCount.objects.bulk_create(
        (
            DeadlineCount(**{name: row[name] for name in key}, n=row["total"])
            for row in merged
        ),
        batch_size=1000,
    )


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
        migrations.RunPython(rebuild, hours_merged, elidable=True),
    ]
