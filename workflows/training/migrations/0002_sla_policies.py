"""Default time limits (限时办结) of a training referral (培训推荐, standard art. 21).

- Acceptance the same working day: the referral is made at the counter (or answered the same
  day when it comes by phone or online).
- Completion in 20 working days (about four calendar weeks). The case ends when the seeker
  completes or drops out. Programmes for gig workers are mostly short: evening, weekend and
  short-module courses of one to four weeks (the usual 职业技能培训 short course), so 20
  working days covers the wait for enrolment, the course and the officer's follow-up call. A
  clock tied to each programme's end (ends_on + 5 working days) would fit longer courses
  better, but a policy is per kind (and channel), not per case: the engine would need a
  per-case target first. Longer (full-time) programmes will show as overdue and the team lead
  sees them; an administrator can lengthen the policy per market.

Administrators change them afterwards; a changed policy applies to cases opened after it.
"""

from django.db import migrations

KIND = "training_referral"
POLICIES = [
    ("acceptance", 1, "same_day"),
    ("completion", 20, "working_days"),
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
    dependencies = [("training", "0001_initial"), ("sla", "0002_policy_channel")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
