"""Default time limits (限时办结) of the engine's own kind, policy consultation. Administrators
change them afterwards; a changed policy applies to cases opened after the change."""

from django.db import migrations

POLICIES = [
    # target, amount, unit: accepted the same working day, answered within 5 working days;
    # the clock stands still while the applicant gathers the materials of the single notice.
    ("acceptance", 1, "same_day"),
    ("completion", 5, "working_days"),
]


def seed(apps, schema_editor):
    Policy = apps.get_model("sla", "Policy")
    for target, amount, unit in POLICIES:
        Policy.objects.get_or_create(
            kind="policy_consultation",
            market=None,
            target=target,
            is_active=True,
            defaults={
                "amount": amount,
                "unit": unit,
                "pause_states": ["awaiting_materials"],
                "warn_percent": 75,
                "escalate_after_days": 2,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_policy_consultation_checklist"), ("sla", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
