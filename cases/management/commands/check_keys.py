"""Do the configured keys fit this database? ``manage.py check_keys [--sample N]``.

Run it after restoring a backup, before serving anyone (docs/deploy/backup.md): it decrypts the
newest personal data of every encrypted column under PERSONAL_DATA_KEYS, recomputes their
lookup hashes under PERSONAL_DATA_INDEX_KEY, and recomputes the seals of the newest audit rows
of every chain under AUDIT_MAC_KEYS. Exits non-zero naming each key set that does not fit.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.selectors import KEYS_RESTORE_HINT, KeyFit, audit_mac_keys_fit
from cases.key_fit import personal_data_keys_fit

WHAT = {
    "PERSONAL_DATA_KEYS": "do not decrypt the personal data of this database",
    "PERSONAL_DATA_INDEX_KEY": (
        "does not reproduce the lookup hashes of this database's ID numbers and mobiles "
        "(finding a person by ID number or mobile would find nobody)"
    ),
    "AUDIT_MAC_KEYS": "do not verify the seals of this database's audit trail",
}


def key_fit_message(fit: KeyFit) -> str:
    unknown = (
        f"; they are under key ids {', '.join(fit.unknown_key_ids)}, which {fit.setting} "
        "does not hold"
        if fit.unknown_key_ids
        else ""
    )
    return (
        f"{fit.setting} {WHAT[fit.setting]}: {fit.failed} of {fit.checked} sampled values "
        f"fail{unknown}. {KEYS_RESTORE_HINT}"
    )


class Command(BaseCommand):
    help = (
        "Check that PERSONAL_DATA_KEYS, PERSONAL_DATA_INDEX_KEY and AUDIT_MAC_KEYS fit this "
        "database: decrypt a sample of its personal data, recompute their lookup hashes and the "
        "seals of the newest audit rows. Exits non-zero naming each key set that does not fit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sample",
            type=int,
            default=20,
            help="newest values per encrypted column, and rows per audit chain (default 20)",
        )

    def handle(self, *args: Any, sample: int = 20, **options: Any) -> None:
        try:
            fits = [*personal_data_keys_fit(sample=sample), audit_mac_keys_fit(sample=sample)]
        except ImproperlyConfigured as error:
            raise CommandError(f"{error} {KEYS_RESTORE_HINT}") from None
        wrong = [fit for fit in fits if not fit.ok]
        for fit in fits:
            if fit.ok:
                self.stdout.write(f"OK {fit.setting}: {fit.checked} sampled values")
            else:
                self.stderr.write(f"WRONG {key_fit_message(fit)}")
        if wrong:
            names = ", ".join(fit.setting for fit in wrong)
            raise CommandError(f"the keys do not fit this database: {names}")
        self.stdout.write(self.style.SUCCESS("OK: the keys fit this database"))
