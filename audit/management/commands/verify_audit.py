"""Verify the event log's chains against their seals and anchors:
``manage.py verify_audit [--chain KEY]``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from audit.anchors import anchor_book
from audit.selectors import (
    ANCHOR_FILE,
    KEYS_RESTORE_HINT,
    AnchoringOverdue,
    ChainBreak,
    anchor_file_verify,
    anchor_max_age,
    anchoring_overdue_list,
    audit_mac_keys_fit,
    chain_list,
    chain_verify,
)


class Command(BaseCommand):
    help = (
        "Check the anchor file, then walk every audit chain (or one) in order: recompute each "
        "keyed seal, check the links, the chain head and the anchors, and report chains that "
        "were anchored but no longer exist, and chains whose anchoring is overdue (rows after "
        "an anchor older than AUDIT_ANCHOR_MAX_AGE_HOURS). Exits non-zero and names the first "
        "broken row of each broken chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chain",
            help=f'one chain: "global" or "market:<id>" (or "{ANCHOR_FILE}": the anchors only)',
        )

    def handle(self, *args: Any, chain: str | None = None, **options: Any) -> None:
        try:
            self._verify(chain)
        except ImproperlyConfigured as error:
            raise CommandError(f"{error} {KEYS_RESTORE_HINT}") from None

    def _verify(self, chain: str | None) -> None:
        known = chain_list()
        if chain is not None and chain not in [*known, ANCHOR_FILE]:
            raise CommandError(f"No audit chain {chain!r}. Chains: {', '.join(known) or 'none'}")
        chains = known if chain is None else [] if chain == ANCHOR_FILE else [chain]
        book = anchor_book()
        last_at = book.last_at
        self.stdout.write(
            f"Anchors: {book.path}, last anchored {last_at.isoformat() if last_at else 'never'}"
        )
        anchor_file = anchor_file_verify()
        if anchor_file.broken is not None:
            self._report(anchor_file.chain, anchor_file.broken)
        broken = []
        for key in chains:
            result = chain_verify(chain=key, anchors=book.for_chain(key))
            if result.broken is None:
                anchored = (
                    f", anchored up to {result.anchored_sequence}"
                    if result.anchored_sequence
                    else ""
                )
                self.stdout.write(f"OK {key}: {result.events_checked} events{anchored}")
                continue
            broken.append(self._report(key, result.broken))
        overdue = anchoring_overdue_list(chains=chains, book=book)
        for item in overdue:
            self._report_overdue(item)
        if broken or not anchor_file.ok:
            keys = audit_mac_keys_fit()
            if keys.unknown_key_ids and keys.failed == keys.checked:
                # Every sampled row is sealed under keys we do not hold: not tampering, but a
                # database (a restored backup) started with other keys than its own.
                raise CommandError(
                    f"AUDIT_MAC_KEYS do not hold the keys this database's audit trail was sealed "
                    f"with (key ids {', '.join(keys.unknown_key_ids)}): {len(broken)} of "
                    f"{len(chains)} chains fail to verify. {KEYS_RESTORE_HINT}"
                )
            prefix = "" if anchor_file.ok else "the anchor file is broken; "
            suffix = f"; anchoring is overdue for {len(overdue)}" if overdue else ""
            raise CommandError(
                f"{prefix}{len(broken)} of {len(chains)} audit chains are broken{suffix}"
            )
        if overdue:
            raise CommandError(
                f"anchoring is overdue for {len(overdue)} of {len(chains)} audit chains: "
                "check that Celery beat is running, then run “manage.py anchor_audit”"
            )
        against = (
            f" against {anchor_file.events_checked} anchors" if anchor_file.events_checked else ""
        )
        self.stdout.write(self.style.SUCCESS(f"OK: {len(chains)} chains verified{against}"))

    def _report_overdue(self, item: AnchoringOverdue) -> None:
        since = timezone.localtime(item.since).strftime("%Y-%m-%d %H:%M:%S %Z")
        hours = f"{anchor_max_age().total_seconds() / 3600:g}"
        if item.anchor is None:
            anchored = f"anchoring due since {since}"
        else:
            anchored = (
                f"last anchored on {since} (anchor file line {item.anchor.line}, "
                f"up to sequence {item.anchor.sequence})"
            )
        self.stderr.write(
            f"OVERDUE {item.chain}: sequences {item.first_unanchored} to {item.last_sequence} "
            f"are not anchored; {anchored}, more than {hours} hours ago "
            "(AUDIT_ANCHOR_MAX_AGE_HOURS)"
        )

    def _report(self, chain: str, fault: ChainBreak) -> str:
        row = f"event id {fault.event_id}" if fault.event_id is not None else "missing row"
        message = f"BROKEN {chain}: {row}, sequence {fault.sequence}: {fault.reason}"
        if chain == ANCHOR_FILE:
            message = f"BROKEN anchor file: {fault.reason}"
        self.stderr.write(message)
        return message
