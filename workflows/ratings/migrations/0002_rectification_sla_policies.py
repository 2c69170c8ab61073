"""Default time limits (限时办结) of a rectification after a poor rating (kind
``rating_rectification``); administrators change them afterwards. Why these: flow.py."""

from django.db import migrations

POLICIES = [
    # target, amount, unit, escalate after (days)
    ("acceptance", 1, "working_days", 1),
    ("completion", 15, "working_days", 2),
]


def seed(apps, schema_editor):
    Policy = apps.get_model("sla", "Policy")
    for target, amount, unit, escalate in POLICIES:
        Policy.objects.get_or_create(
            kind="rating_rectification",
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
    dependencies = [("ratings", "0001_ratings_and_rectifications"), ("sla", "0005_deadline_subject_due")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
