"""Default time limits (限时办结) of a rectification after a facility inspection (kind
``facility_rectification``); administrators change them afterwards. Why these: flow.py."""

from django.db import migrations

POLICIES = [
    # target, amount, unit, escalate after (days)
    ("acceptance", 1, "working_days", 1),
    ("completion", 20, "working_days", 3),
]


def seed(apps, schema_editor):
    Policy = apps.get_model("sla", "Policy")
    for target, amount, unit, escalate in POLICIES:
        Policy.objects.get_or_create(
            kind="facility_rectification",
            market=None,
            channel="",
            target=target,
            is_active=True,
            defaults={
                "amount": amount,
                "unit": unit,
                "pause_states": ["awaiting_materials"],
                "warn_percent": 75,
                "escalate_after_days": escalate,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_facility_profiles_and_inspections"),
        ("sla", "0005_deadline_subject_due"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
