"""Default time limits (限时办结) of complaints (kind ``complaint``); administrators change them
afterwards and a changed policy applies to complaints filed after the change.

- acceptance: the decision to accept, decline or refer within 5 working days of filing;
- completion: 20 working days, the clock standing still while labour inspection has the
  complaint (``complaint_referred``) or the complainant gathers materials.
The reasons (and what is uncertain about them) are in workflows/complaints/services.py.
"""

from django.db import migrations

POLICIES = [
    # target, amount, unit, pause states
    ("acceptance", 5, "working_days", ["awaiting_materials"]),
    ("completion", 20, "working_days", ["awaiting_materials", "complaint_referred"]),
]


def seed(apps, schema_editor):
    Policy = apps.get_model("sla", "Policy")
    for target, amount, unit, pauses in POLICIES:
        Policy.objects.get_or_create(
            kind="complaint",
            market=None,
            channel="",
            target=target,
            is_active=True,
            defaults={
                "amount": amount,
                "unit": unit,
                "pause_states": pauses,
                "warn_percent": 75,
                "escalate_after_days": 2,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("sla", "0002_policy_channel")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
