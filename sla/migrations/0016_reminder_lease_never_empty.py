"""A reminder's lease is never empty: the sweep's search for lost deliveries becomes one range
of the lease index (``queued_until <= now``) instead of that range or an empty lease, which
PostgreSQL answered by walking every fresh lease after the range (bench/README.md, "SLA
sweep"). A reminder without a lease (written before leases existed) gets its creation time:
due to be handed over at once, as an empty lease was."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sla', '0015_alerts_of_their_own'),
    ]

    operations = [
        migrations.RunSQL(
            "UPDATE sla_reminder SET queued_until = created_at WHERE queued_until IS NULL",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='reminder',
            name='queued_until',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
    ]
