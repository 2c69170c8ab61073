"""Give the clocks an installation already has their case's channel and service station (the
clock services write them from here on), as ``manage.py sla_counters_rebuild`` does."""

from django.db import migrations
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def copy(apps, schema_editor):  # type: ignore[no-untyped-def]
    Case = apps.get_model("cases", "Case")
    Deadline = apps.get_model("sla", "Deadline")
    case = Case.objects.filter(pk=OuterRef("subject_id"))
    Deadline.objects.filter(subject_type="cases.case").update(
        channel=Coalesce(Subquery(case.values("channel")[:1]), Value("")),  # none: no case
        station_id=Subquery(case.values("station_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0026_case_probe_carries_station_and_channel"),
        ("sla", "0018_deadline_keeps_channel_and_station"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop, elidable=True)]
