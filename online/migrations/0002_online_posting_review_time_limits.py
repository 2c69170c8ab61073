"""The online review time limits of a job posting (workflows/postings/flow.py TIME_LIMITS,
channel ``online``): a posting submitted online waits to be claimed, within 4 working hours,
and is reviewed within one working day; the clock pauses while the employer corrects it.
Administrators change them afterwards; a changed policy applies to cases opened afterwards."""

from django.db import migrations

LIMITS = (("acceptance", 4, "working_hours"), ("completion", 1, "working_days"))


def seed(apps, schema_editor):
    Policy = apps.get_model("sla", "Policy")
    for target, amount, unit in LIMITS:
        Policy.objects.get_or_create(
            kind="posting_review",
            market=None,
            channel="online",
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
    dependencies = [
        ("online", "0001_sign_in_codes"),
        ("sla", "0002_policy_channel"),
        ("postings", "0006_counter_sla_policy"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
