"""Do the configured personal-data keys fit this database? The check behind
``manage.py check_keys``, run after restoring a backup (docs/deploy/backup.md).

Every ``EncryptedTextField`` of every installed model is sampled (its newest rows), read as the
raw token, and decrypted under PERSONAL_DATA_KEYS; where the model keeps the lookup hash beside
it (``<field>_index``, e.g. ``Applicant.id_number_index``), the hash of the decrypted value is
recomputed under PERSONAL_DATA_INDEX_KEY. A backup restored with other keys fails every sample,
and says which key set is wrong, instead of failing later on the first page that shows a case.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.db import models
from django.db.models.functions import Cast

from audit.selectors import KeyFit

from .crypto import (
    EncryptedTextField,
    PersonalDataError,
    UnknownPersonalDataKeyError,
    personal_data_decrypt,
    personal_data_index,
)

INDEX_SUFFIX = "_index"


def _encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedTextField, str | None]]:
    """(model, encrypted field, name of its lookup-hash field or None) for every model."""
    for model in apps.get_models():
        names = {field.name for field in model._meta.concrete_fields}
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                index = field.name + INDEX_SUFFIX
                yield model, field, index if index in names else None


def personal_data_keys_fit(*, sample: int = 20) -> tuple[KeyFit, KeyFit]:
    """Decrypt the newest ``sample`` values of each encrypted column under PERSONAL_DATA_KEYS,
    and recompute their lookup hashes under PERSONAL_DATA_INDEX_KEY."""
    checked = failed = index_checked = index_failed = 0
    unknown: set[str] = set()
    for model, field, index_name in _encrypted_fields():
        # The raw token: a cast to plain text skips the field's decryption on the way out.
        rows = (
            model._default_manager.filter(**{f"{field.name}__isnull": False})
            .annotate(lgsc_token=Cast(field.name, output_field=models.TextField()))
            .order_by("-pk")
        )
        columns = ["lgsc_token", *([index_name] if index_name else [])]
        for values in rows.values_list(*columns)[:sample]:
            token = values[0]
            checked += 1
            try:
                plaintext = personal_data_decrypt(token)
            except UnknownPersonalDataKeyError as error:  # a wrong or missing key
                failed += 1
                unknown.add(error.key_id)
                continue
            except PersonalDataError:  # a corrupt token, under a key we hold
                failed += 1
                continue
            if index_name is None:
                continue
            stored_index = values[1]
            if not plaintext and not stored_index:
                continue  # nothing kept, nothing to find (e.g. after anonymisation)
            index_checked += 1
            if personal_data_index(plaintext) != stored_index:
                index_failed += 1
    return (
        KeyFit("PERSONAL_DATA_KEYS", checked, failed, tuple(sorted(unknown))),
        KeyFit("PERSONAL_DATA_INDEX_KEY", index_checked, index_failed),
    )
