"""The reminders still to come move out of the clock into a narrow table of their own
(``Alert``, one row a level), which the sweep deletes from as it reminds: rewriting the clock,
indexed eleven ways, for every reminder was most of the sweep's time (bench/README.md, "SLA
sweep"). Each running clock's next level and the levels after it become rows."""

import django.db.models.deletion
from django.db import migrations, models

COLUMNS = "deadline_id, level, at, market_id, subject_type, target"
FROM_CLOCKS = "FROM sla_deadline WHERE next_alert_at IS NOT NULL"

FORWARDS = [
    f"INSERT INTO sla_alert ({COLUMNS}) "
    f"SELECT id, next_level, next_alert_at, market_id, subject_type, target {FROM_CLOCKS}",
    f"INSERT INTO sla_alert ({COLUMNS}) "
    f"SELECT id, 'breach', due_at, market_id, subject_type, target {FROM_CLOCKS} "
    "AND next_level = 'warning'",
    f"INSERT INTO sla_alert ({COLUMNS}) "
    f"SELECT id, 'escalation', escalate_at, market_id, subject_type, target {FROM_CLOCKS} "
    "AND next_level IN ('warning', 'breach')",
]

BACKWARDS = [
    "UPDATE sla_deadline SET "
    "next_level = COALESCE((SELECT a.level FROM sla_alert a WHERE a.deadline_id = sla_deadline.id "
    "ORDER BY a.at, a.id LIMIT 1), ''), "
    "next_alert_at = (SELECT MIN(a.at) FROM sla_alert a WHERE a.deadline_id = sla_deadline.id)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0005_market_opened_on"),
        ("sla", "0014_deadline_indexes_carry_the_case"),
    ]

    operations = [
        migrations.CreateModel(
            name="Alert",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("warning", "Due soon"),
                            ("breach", "Overdue"),
                            ("escalation", "Escalated"),
                        ],
                        max_length=12,
                    ),
                ),
                ("at", models.DateTimeField()),
                ("subject_type", models.CharField(max_length=40)),
                (
                    "target",
                    models.CharField(
                        choices=[
                            ("acceptance", "Acceptance (first response)"),
                            ("completion", "Completion"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "deadline",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="alerts",
                        to="sla.deadline",
                    ),
                ),
                (
                    "market",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="markets.market",
                    ),
                ),
            ],
        ),
        migrations.RunSQL(FORWARDS, BACKWARDS, elidable=False),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(fields=["at"], name="alert_due"),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.UniqueConstraint(
                fields=("deadline", "level"), name="alert_once_per_level"
            ),
        ),
        migrations.RemoveIndex(
            model_name="deadline",
            name="deadline_alert_due",
        ),
        migrations.RemoveField(
            model_name="deadline",
            name="next_alert_at",
        ),
        migrations.RemoveField(
            model_name="deadline",
            name="next_level",
        ),
    ]
