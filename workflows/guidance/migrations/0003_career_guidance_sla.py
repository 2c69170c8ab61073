"""Default time limits (限时办结) of one-to-one career guidance: accepted the same working day
(the officer who opens the case at the counter takes it there and then), completed within 10
working days. Why ten: guidance runs over more than one sitting — a first talk, a referral to an
employer, and a follow-up once the interview or trial day is over; gig postings run a few days
to a few weeks, so two working weeks is enough to learn an outcome and short enough that a case
is not left open. Administrators change them afterwards; a changed policy applies to cases opened
after the change."""

from django.db import migrations

KIND = "career_guidance"
POLICIES = [
    ("acceptance", 1, "same_day"),
    ("completion", 10, "working_days"),
]


def seed(apps, schema_editor):
    Policy = apps.get_model("sla", "Policy")
    for target, amount, unit in POLICIES:
        Policy.objects.get_or_create(
            kind=KIND,
            market=None,
            channel="",
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
        ("guidance", "0002_career_guidance_and_rooms"),
        ("sla", "0002_policy_channel"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
