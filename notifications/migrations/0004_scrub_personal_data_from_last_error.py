"""Error texts already in the outbox lose the mobiles, ID numbers and e-mail addresses a
gateway may have echoed into them, as new ones do (``notifications.channels``)."""

import re

from django.db import migrations

# As notifications.channels.personal_data_scrubbed, frozen here.
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{6}[\s-]?\d{8}[\s-]?\d{3}[0-9Xx]|\d{15})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[\s-]?|0)?1[3-9](?:[\s-]?\d){9}(?!\d)")
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def _scrubbed(text):
    text = _ID_NUMBER.sub("[ID number]", text)
    text = _MOBILE.sub("[mobile]", text)
    return _EMAIL.sub("[e-mail]", text)


def scrub_last_errors(apps, schema_editor):
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    with_error = OutboxMessage.objects.exclude(last_error="").only("pk", "last_error")
    for message in with_error.iterator(chunk_size=2000):
        scrubbed = _scrubbed(message.last_error)
        if scrubbed != message.last_error:
            OutboxMessage.objects.filter(pk=message.pk).update(last_error=scrubbed)


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0003_outbox_queue_lease_and_masked_address"),
    ]

    operations = [
        migrations.RunPython(scrub_last_errors, migrations.RunPython.noop, elidable=True),
    ]
