"""Indexes for the inspector's event search and a case's trail (issue 14).

Only CREATE INDEX: the table is not rebuilt on SQLite, so the append-only triggers of 0002
stay (tests/audit checks they exist after all migrations), and no row is touched, so no seal
changes. On a large PostgreSQL table, build these by hand with CREATE INDEX CONCURRENTLY
under the same names before migrating, then ``migrate --fake`` this one (bench/README.md).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_keyed_event_seals_and_anchors'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['occurred_at'], name='audit_event_time'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['actor_label', 'occurred_at'], name='audit_event_actor_label_time'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['target_type', 'target_id', 'occurred_at'], name='audit_event_target_time'),
        ),
    ]
