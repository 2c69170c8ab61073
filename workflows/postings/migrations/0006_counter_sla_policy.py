"""Instant quick hiring (即时快招) at the counter: a posting taken at the counter is reviewed
within the same working hour; from every other channel within one working day (0004)."""

from django.db import migrations


def seed(apps, schema_editor):
    Policy = apps.get_model("sla", "Policy")
    Policy.objects.get_or_create(
        kind="posting_review",
        market=None,
        channel="counter",
        target="completion",
        is_active=True,
        defaults={
            "amount": 1,
            "unit": "working_hours",
            "pause_states": ["awaiting_materials"],
            "warn_percent": 75,
            "escalate_after_days": 1,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0005_match_candidates_index"),
        ("sla", "0002_policy_channel"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
