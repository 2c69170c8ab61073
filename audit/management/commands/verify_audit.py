"""Verify the event log's chains against their seals and anchors:
``manage.py verify_audit [--chain KEY]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.anchors import anchor_book
from audit.selectors import (
    ANCHOR_FILE,
    ChainBreak,
    anchor_file_verify,
    chain_list,
    chain_verify,
)


class Command(BaseCommand):
    help = (
        "Check the anchor file, then walk every audit chain (or one) in order: recompute each "
        "keyed seal, check the links, the chain head and the anchors, and report chains that "
        "were anchored but no longer exist. Exits non-zero and names the first broken row of "
        "each broken chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chain",
            help=f'one chain: "global" or "market:<id>" (or "{ANCHOR_FILE}": the anchors only)',
        )

    def handle(self, *args: Any, chain: str | None = None, **options: Any) -> None:
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
        if broken or not anchor_file.ok:
            prefix = "" if anchor_file.ok else "the anchor file is broken; "
            raise CommandError(f"{prefix}{len(broken)} of {len(chains)} audit chains are broken")
        against = (
            f" against {anchor_file.events_checked} anchors" if anchor_file.events_checked else ""
        )
        self.stdout.write(self.style.SUCCESS(f"OK: {len(chains)} chains verified{against}"))

    def _report(self, chain: str, fault: ChainBreak) -> str:
        row = f"event id {fault.event_id}" if fault.event_id is not None else "missing row"
        message = f"BROKEN {chain}: {row}, sequence {fault.sequence}: {fault.reason}"
        if chain == ANCHOR_FILE:
            message = f"BROKEN anchor file: {fault.reason}"
        self.stderr.write(message)
        return message
