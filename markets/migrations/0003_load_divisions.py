"""Load the national table of administrative division codes shipped in markets/data/.

The function is named ``seed`` like the other data seeds: the test suite runs every ``seed``
again after a transactional test has flushed the database. It is idempotent."""

from django.db import migrations


def seed(apps, schema_editor):
    from markets.divisions import divisions_load_shipped

    divisions_load_shipped(apps.get_model("markets", "Division"))


def unload(apps, schema_editor):
    apps.get_model("markets", "Division").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("markets", "0002_division")]

    operations = [migrations.RunPython(seed, unload)]
