"""Posting contact phones encrypted at rest, in the history table too (issue 13, item 17).

The columns become encrypted text; every existing row, current and historical, is encrypted in
place with the personal-data key, and its masked form is written beside it. Read and written
with plain SQL: the model field would try to decrypt the plain text still in the column."""

from django.db import migrations, models

import cases.crypto
from cases.crypto import FORMAT_VERSION, personal_data_decrypt, personal_data_encrypt

TABLES = (("postings_posting", "id"), ("postings_historicalposting", "history_id"))


def _mask(number):
    # As cases.identity.phone_mask did when this migration was written.
    if len(number) == 11 and number.isdigit() and number.startswith("1"):
        return f"{number[:3]}****{number[-4:]}"
    area, dash, rest = number.partition("-")
    if dash and area.startswith("0") and len(rest) > 4:
        return f"{area}-{'*' * (len(rest) - 4)}{rest[-4:]}"
    if len(number) > 6:
        return "*" * (len(number) - 4) + number[-4:]
    return "*" * len(number)


def _rows(cursor, quote, table, key):
    cursor.execute(f"SELECT {quote(key)}, contact_phone FROM {quote(table)}")  # noqa: S608
    return cursor.fetchall()


def encrypt(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, key in TABLES:
            for pk, phone in _rows(cursor, quote, table, key):
                if phone is None or phone.startswith(f"{FORMAT_VERSION}:"):
                    continue
                cursor.execute(
                    f"UPDATE {quote(table)} SET contact_phone = %s, contact_phone_masked = %s "  # noqa: S608
                    f"WHERE {quote(key)} = %s",
                    [personal_data_encrypt(phone), _mask(phone), pk],
                )


def decrypt(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, key in TABLES:
            for pk, token in _rows(cursor, quote, table, key):
                if token is None or not token.startswith(f"{FORMAT_VERSION}:"):
                    continue
                cursor.execute(
                    f"UPDATE {quote(table)} SET contact_phone = %s WHERE {quote(key)} = %s",  # noqa: S608
                    [personal_data_decrypt(token)[:20], pk],
                )


class Migration(migrations.Migration):

    dependencies = [
        ('postings', '0006_counter_sla_policy'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalposting',
            name='contact_phone_masked',
            field=models.CharField(blank=True, editable=False, max_length=24, verbose_name='contact phone'),
        ),
        migrations.AddField(
            model_name='posting',
            name='contact_phone_masked',
            field=models.CharField(blank=True, editable=False, max_length=24, verbose_name='contact phone'),
        ),
        migrations.AlterField(
            model_name='historicalposting',
            name='contact_phone',
            field=cases.crypto.EncryptedTextField(verbose_name='contact phone'),
        ),
        migrations.AlterField(
            model_name='posting',
            name='contact_phone',
            field=cases.crypto.EncryptedTextField(verbose_name='contact phone'),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
