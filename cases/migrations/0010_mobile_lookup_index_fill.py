"""Every existing applicant and case gets the lookup hash of its mobile (the search box finds
people by mobile through it, never by decrypting rows). The numbers are decrypted once here,
in batches, to compute the hash; nothing else is written."""

from django.db import migrations

from cases.crypto import mobile_index

BATCH = 500


def _fill(model, source, target):
    batch = []
    for row in model.objects.only("pk", source).iterator(chunk_size=BATCH):
        value = getattr(row, source) or ""
        if value:
            setattr(row, target, mobile_index(value))
            batch.append(row)
        if len(batch) >= BATCH:
            model.objects.bulk_update(batch, [target])
            batch = []
    if batch:
        model.objects.bulk_update(batch, [target])


def fill(apps, schema_editor):
    _fill(apps.get_model("cases", "Applicant"), "mobile", "mobile_index")
    _fill(apps.get_model("cases", "Case"), "contact_mobile", "contact_mobile_index")


def clear(apps, schema_editor):
    apps.get_model("cases", "Applicant").objects.update(mobile_index="")
    apps.get_model("cases", "Case").objects.update(contact_mobile_index="")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_mobile_lookup_index"),
    ]

    operations = [
        migrations.RunPython(fill, clear),
    ]
