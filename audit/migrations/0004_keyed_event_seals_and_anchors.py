"""Seal new rows with a keyed MAC (``mac_key_id`` names the key) and anchor the chains.

Rows written before this migration keep their plain SHA-256 hash and an empty ``mac_key_id``;
they are not rewritten (this is an append-only log). Instead, the migration anchors every
existing chain's head outside the database (``audit.anchors``, in AUDIT_ANCHOR_DIR), so the
old rows are vouched for by an anchor from the moment of the upgrade, and verification accepts
an unkeyed row only where an anchor covers it.

On SQLite, adding the column rebuilds the table, which drops the append-only triggers of
migration 0002: they are created again here (tests/audit checks they exist).
"""

import importlib

from django.db import migrations, models
from django.utils import timezone

append_only = importlib.import_module("audit.migrations.0002_append_only")


def sqlite_triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    table = schema_editor.quote_name(apps.get_model("audit", "AuditEvent")._meta.db_table)
    for sql in append_only.sqlite_forward(table):
        schema_editor.execute(sql, params=None)


def anchor_existing_chains(apps, schema_editor):
    from audit.anchors import ChainHead, anchor_file_append

    heads = [
        ChainHead(chain=chain, sequence=sequence, mac=mac)
        for chain, sequence, mac in apps.get_model("audit", "AuditChainHead")
        .objects.using(schema_editor.connection.alias)
        .filter(last_sequence__gt=0)
        .order_by("chain")
        .values_list("chain", "last_sequence", "last_hash")
    ]
    if heads:
        anchor_file_append(heads, at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_ledger_sign_off")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="mac_key_id",
            field=models.CharField(
                blank=True,
                default="",
                help_text="Which audit key sealed the row; empty for rows from before keys existed.",
                max_length=16,
                verbose_name="MAC key",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(
                help_text="HMAC-SHA256 under the key named by MAC key.",
                max_length=64,
                verbose_name="hash",
            ),
        ),
        migrations.RunPython(sqlite_triggers_again, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(anchor_existing_chains, migrations.RunPython.noop, elidable=False),
    ]
