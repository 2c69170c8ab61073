"""Count the dashboard counters of an installation's existing clocks once (the clock services
keep them up to date from here on): each case clock's officer from its case's owner, then the
buckets, as ``manage.py sla_counters_rebuild`` does."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def build(apps, schema_editor):  # type: ignore[no-untyped-def]
    from sla.counters import deadline_counts_rebuild

    Case = apps.get_model("cases", "Case")
    Deadline = apps.get_model("sla", "Deadline")
    owner = Subquery(Case.objects.filter(pk=OuterRef("subject_id")).values("owner_id")[:1])
    Deadline.objects.filter(subject_type="cases.case").update(officer_id=owner)
    deadline_counts_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0007_deadline_counters"),
        ("cases", "0015_industry_codes"),
    ]

    operations = [migrations.RunPython(build, migrations.RunPython.noop, elidable=True)]
