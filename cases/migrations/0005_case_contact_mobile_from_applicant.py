"""Every existing case keeps the mobile its applicant has today as its contact mobile, so the
kiosk lookup and the SMS of earlier cases go on working after the applicant's mobile changes."""

from django.db import migrations


def copy_applicant_mobile(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Applicant = apps.get_model("cases", "Applicant")
    # The column is encrypted: it can be read, not searched.
    mobiles = {
        applicant.pk: applicant.mobile
        for applicant in Applicant.objects.only("pk", "mobile").iterator()
        if applicant.mobile
    }
    batch = []
    for case in Case.objects.only("pk", "applicant_id").iterator():
        mobile = mobiles.get(case.applicant_id) or ""
        if mobile:
            case.contact_mobile = mobile
            batch.append(case)
        if len(batch) >= 500:
            Case.objects.bulk_update(batch, ["contact_mobile"])
            batch = []
    if batch:
        Case.objects.bulk_update(batch, ["contact_mobile"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_contact_mobile"),
    ]

    operations = [
        migrations.RunPython(copy_applicant_mobile, migrations.RunPython.noop),
    ]
