"""Default time limits (限时办结) of job-seeker registration: taken and completed the same
working day (a counter registration is done in one sitting). Administrators change them
afterwards; a changed policy applies to cases opened after the change."""

from django.db import migrations

KIND = "seeker_registration"
POLICIES = [
    # target, amount, unit; the clock stands still while the applicant gathers the materials
    # of a single notice.
    ("acceptance", 1, "same_day"),
    ("completion", 1, "same_day"),
]


def seed(apps, schema_editor):
    Policy = apps.get_model("sla", "Policy")
    for target, amount, unit in POLICIES:
        Policy.objects.get_or_create(
            kind=KIND,
            market=None,
            target=target,
            is_active=True,
            defaults={
                "amount": amount,
                "unit": unit,
                "pause_states": ["awaiting_materials"],
                "warn_percent": 75,
                "escalate_after_days": 1,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("seekers", "0001_initial"), ("sla", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
