"""Notifications say a registered message and its parameters, rendered in the reader's language
when shown (notifications.messages). Rows written before keep their stored text, which is shown
as it is: they get no message (blank) and no parameters."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0004_scrub_personal_data_from_last_error'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='message',
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name='message'),
        ),
        migrations.AddField(
            model_name='notification',
            name='params',
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name='parameters'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='text',
            field=models.CharField(blank=True, max_length=500, verbose_name='text'),
        ),
    ]
